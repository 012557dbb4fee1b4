import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Link, match, navigate, useLocation } from './router.tsx';
import { api, useSession } from './session.tsx';
import type { User } from './api/client.ts';
import { AuthPage } from './pages/AuthPage.tsx';
import { JobsPage } from './pages/JobsPage.tsx';
import { JobFormPage } from './pages/JobFormPage.tsx';
import { JobPage } from './pages/JobPage.tsx';
import { CandidatePage } from './pages/CandidatePage.tsx';
import { DocumentsPage } from './pages/DocumentsPage.tsx';
import { OpenJobsPage } from './pages/OpenJobsPage.tsx';
import { ApplicationsPage } from './pages/ApplicationsPage.tsx';
import { MyDataPage } from './pages/MyDataPage.tsx';
import { PageTitle } from './components/ui.tsx';

// The organization pages are for admins only: loaded on demand.
const MembersPage = lazy(() => import('./pages/admin/MembersPage.tsx'));
const ApiKeysPage = lazy(() => import('./pages/admin/ApiKeysPage.tsx'));
const AuditPage = lazy(() => import('./pages/admin/AuditPage.tsx'));
const PrivacyPage = lazy(() => import('./pages/admin/PrivacyPage.tsx'));

interface Route {
  pattern: string;
  roles: Array<'candidate' | 'recruiter' | 'admin'>;
  render: (params: Record<string, string>) => ReactNode;
}

const ROUTES: Route[] = [
  { pattern: '/jobs', roles: ['recruiter'], render: () => <JobsPage /> },
  { pattern: '/jobs/new', roles: ['recruiter'], render: () => <JobFormPage /> },
  { pattern: '/jobs/:id/edit', roles: ['recruiter'], render: ({ id }) => <JobFormPage jobId={id} /> },
  { pattern: '/jobs/:id', roles: ['recruiter'], render: ({ id }) => <JobPage jobId={id!} /> },
  { pattern: '/candidates/:id', roles: ['recruiter'], render: ({ id }) => <CandidatePage candidateId={id!} /> },
  { pattern: '/documents', roles: ['candidate'], render: () => <DocumentsPage /> },
  { pattern: '/open-jobs', roles: ['candidate'], render: () => <OpenJobsPage /> },
  { pattern: '/applications', roles: ['candidate'], render: () => <ApplicationsPage /> },
  { pattern: '/my-data', roles: ['candidate'], render: () => <MyDataPage /> },
  { pattern: '/admin/members', roles: ['admin'], render: () => <MembersPage /> },
  { pattern: '/admin/api-keys', roles: ['admin'], render: () => <ApiKeysPage /> },
  { pattern: '/admin/audit', roles: ['admin'], render: () => <AuditPage /> },
  { pattern: '/admin/privacy', roles: ['admin'], render: () => <PrivacyPage /> },
];

function homeOf(user: User): string {
  return user.role === 'recruiter' ? '/jobs' : '/documents';
}

function allowed(route: Route, user: User): boolean {
  return route.roles.some((role) => (role === 'admin' ? user.role === 'recruiter' && user.org_role === 'admin' : role === user.role));
}

export function App() {
  const { user, ready } = useSession();
  const { path } = useLocation();
  const publicPage = path === '/signin' || path === '/register';

  useEffect(() => {
    if (!ready) return;
    if (!user && !publicPage) navigate(`/signin${path !== '/' ? `?next=${encodeURIComponent(path)}` : ''}`, { replace: true });
    else if (user && (publicPage || path === '/')) {
      const next = new URLSearchParams(window.location.search).get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : homeOf(user), { replace: true });
    }
  }, [ready, user, publicPage, path]);

  if (!ready) {
    return (
      <main className="page page-center" aria-busy="true">
        <p className="muted">Loading…</p>
      </main>
    );
  }
  if (!user) {
    return publicPage ? <AuthPage mode={path === '/register' ? 'register' : 'signin'} /> : null;
  }

  let content: ReactNode = null;
  for (const route of ROUTES) {
    const params = match(route.pattern, path);
    if (!params) continue;
    content = allowed(route, user) ? route.render(params) : <NotFound />;
    break;
  }
  if (content === null && path !== '/' && !publicPage) content = <NotFound />;

  return (
    <Shell user={user}>
      <Suspense fallback={<p className="muted">Loading…</p>}>{content}</Suspense>
    </Shell>
  );
}

function NotFound() {
  return (
    <>
      <PageTitle title="Not found">Page not found</PageTitle>
      <p>
        There is nothing here. <Link to="/">Go to the start page</Link>.
      </p>
    </>
  );
}

function Shell({ user, children }: { user: User; children: ReactNode }) {
  const { path } = useLocation();
  const links: Array<[string, string]> =
    user.role === 'recruiter'
      ? [
          ['/jobs', 'Jobs'],
          ...(user.org_role === 'admin'
            ? ([
                ['/admin/members', 'Members'],
                ['/admin/api-keys', 'API keys'],
                ['/admin/audit', 'Audit log'],
                ['/admin/privacy', 'Privacy'],
              ] as Array<[string, string]>)
            : []),
        ]
      : [
          ['/documents', 'My documents'],
          ['/open-jobs', 'Open jobs'],
          ['/applications', 'My applications'],
          ['/my-data', 'My data'],
        ];
  const signOut = async () => {
    await api.logout().catch(() => undefined);
    navigate('/signin');
  };
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <span aria-hidden="true" className="brand-mark">
            V
          </span>
          Vitae
        </Link>
        <nav aria-label="Main">
          <ul>
            {links.map(([to, label]) => (
              <li key={to}>
                <Link to={to} {...(path === to || path.startsWith(`${to}/`) ? { 'aria-current': 'page' as const } : {})}>
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <span className="account-name" title={user.email}>
            {user.name}
            {user.org_name ? <span className="muted"> · {user.org_name}</span> : null}
          </span>
          <button type="button" className="button button-small" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="page">
        {children}
      </main>
    </>
  );
}
