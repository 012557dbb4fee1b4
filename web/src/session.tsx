import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { VitaeClient, type User } from './api/client.ts';
import { prefetch } from './prefetch.ts';
import { match } from './router.tsx';

/** The one client of the app: the access token lives in its memory, the refresh token in an HttpOnly cookie. */
export const api = new VitaeClient();

/**
 * Whether this browser signed in before (not a secret: the session itself is in the HttpOnly
 * cookie). Without it the app does not try to refresh, so a first visit makes no failing request.
 */
const SIGNED_IN_HINT = 'vitae.signed-in';
const hint = {
  get: () => {
    try {
      return localStorage.getItem(SIGNED_IN_HINT) === '1';
    } catch {
      return true;
    }
  },
  set: (signedIn: boolean) => {
    try {
      if (signedIn) localStorage.setItem(SIGNED_IN_HINT, '1');
      else localStorage.removeItem(SIGNED_IN_HINT);
    } catch {
      // Storage disabled: every load tries the cookie.
    }
  },
};

interface SessionState {
  user: User | null;
  /** false until the refresh cookie has been tried. */
  ready: boolean;
}

/**
 * Restores the session as soon as this module loads (not after the first render), and starts the
 * data requests of the page being opened meanwhile.
 */
export const restoring: Promise<User | null> | null = hint.get()
  ? api.resume().then(
      (user) => {
        hint.set(user !== null);
        if (user) prefetchFor(user, window.location.pathname);
        return user;
      },
      () => null,
    )
  : null;

function prefetchFor(user: User, path: string): void {
  const job = user.role === 'recruiter' ? match('/jobs/:id', path) : null;
  if (job?.id) {
    const id = job.id;
    prefetch(`job:${id}`, () => api.getJob(id));
    prefetch(`candidates:${id}`, () => api.listCandidates(id, { limit: 200 }));
  }
}

const SessionContext = createContext<SessionState>({ user: null, ready: false });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>(() => ({ user: api.user, ready: api.user !== null || !hint.get() }));
  useEffect(() => {
    const unsubscribe = api.onSessionChange((user) => {
      hint.set(user !== null);
      setState({ user, ready: true });
    });
    if (!api.user && restoring) void restoring.then((user) => setState({ user, ready: true }));
    return unsubscribe;
  }, []);
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  return useContext(SessionContext);
}
