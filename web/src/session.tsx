import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { VitaeClient, type User } from './api/client.ts';

/** The one client of the app: the access token lives in its memory, the refresh token in an HttpOnly cookie. */
export const api = new VitaeClient();

interface SessionState {
  user: User | null;
  /** false until the refresh cookie has been tried. */
  ready: boolean;
}

const SessionContext = createContext<SessionState>({ user: null, ready: false });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ user: api.user, ready: api.user !== null });
  useEffect(() => {
    const unsubscribe = api.onSessionChange((user) => setState({ user, ready: true }));
    if (!api.user) {
      api.resume().then(
        (user) => setState({ user, ready: true }),
        () => setState({ user: null, ready: true }),
      );
    }
    return unsubscribe;
  }, []);
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  return useContext(SessionContext);
}
