import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { restoring, SessionProvider } from './session.tsx';
import './styles.css';

// A returning visitor's session is being restored (one request, started as this module loaded):
// render once it is known rather than a loading screen first, so that the page's own requests,
// prefetched as soon as the session is back, are not held up by that render (at most 2 s).
if (restoring) await Promise.race([restoring, new Promise((resolve) => setTimeout(resolve, 2000))]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider>
      <App />
    </SessionProvider>
  </StrictMode>,
);
