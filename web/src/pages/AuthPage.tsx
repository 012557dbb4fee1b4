import { useState, type FormEvent } from 'react';
import { ApiError, type Role } from '../api/client.ts';
import { Link, useLocation } from '../router.tsx';
import { api } from '../session.tsx';
import { ErrorMessage, Notice, PageTitle, TextField } from '../components/ui.tsx';

type Errors = Partial<Record<'email' | 'password' | 'name' | 'org_name' | 'invitation_token' | 'role', string>>;

const PASSWORD_MIN = 10;

/**
 * An invitation link carries its token in the fragment (`/register#invitation=…`), which browsers
 * never send to a server. It is read once, then removed from the address bar and the history.
 */
function takeInvitationToken(): string {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('invitation') ?? '';
  if (token) window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  return token;
}

/** Sign in and register. Validation mirrors the API's; the API's own problems are shown next to their field. */
export function AuthPage({ mode }: { mode: 'signin' | 'register' }) {
  const register = mode === 'register';
  const { search } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [name, setName] = useState('');
  const [invitationToken, setInvitationToken] = useState(() => (register ? takeInvitationToken() : ''));
  const [role, setRole] = useState<Role>(invitationToken ? 'recruiter' : 'candidate');
  const [orgName, setOrgName] = useState('');
  const joining = role === 'recruiter' && invitationToken.trim() !== '';
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const validate = (): Errors => {
    const found: Errors = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) found.email = 'Enter an email address like name@example.com.';
    if (register) {
      if (password.length < PASSWORD_MIN) found.password = `Use at least ${PASSWORD_MIN} characters.`;
      if (!name.trim()) found.name = 'Enter your name.';
      if (role === 'recruiter' && !orgName.trim() && !invitationToken.trim())
        found.org_name = 'Name your organization, or paste the invitation code its admin sent you.';
    } else if (!password) found.password = 'Enter your password.';
    return found;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validate();
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) {
      const first = Object.keys(found)[0];
      document.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    setBusy(true);
    try {
      if (register) {
        const organization =
          role !== 'recruiter' ? {} : joining ? { invitation_token: invitationToken.trim() } : orgName.trim() ? { org_name: orgName.trim() } : {};
        await api.register({ email: email.trim(), password, name: name.trim(), role, ...organization });
      } else {
        await api.login(email.trim(), password);
      }
      // The session listener re-renders the app, which routes to the home page.
    } catch (error) {
      if (error instanceof ApiError && error.field && ['email', 'password', 'name', 'org_name', 'invitation_token', 'role'].includes(error.field)) {
        setErrors({ [error.field]: error.detail });
        document.querySelector<HTMLElement>(`[name="${error.field}"]`)?.focus();
      } else setFormError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="page auth-page" id="main">
      <div className="auth-card">
        <p className="brand brand-large" aria-hidden="true">
          <span className="brand-mark">V</span> Vitae
        </p>
        <PageTitle title={register ? 'Create an account' : 'Sign in'}>{register ? 'Create an account' : 'Sign in'}</PageTitle>
        <form onSubmit={(event) => void submit(event)} noValidate>
          <ErrorMessage error={formError} />
          {!register && search.get('erased') === '1' && (
            <Notice tone="success">
              <p>Your account and everything of it have been deleted.</p>
            </Notice>
          )}
          {register && (
            <fieldset className="role-choice">
              <legend>I am</legend>
              <label className="radio-card">
                <input type="radio" name="role" value="candidate" checked={role === 'candidate'} onChange={() => setRole('candidate')} />
                <span>
                  <strong>Looking for a job</strong>
                  <span className="muted small">Keep your resume and apply to jobs</span>
                </span>
              </label>
              <label className="radio-card">
                <input type="radio" name="role" value="recruiter" checked={role === 'recruiter'} onChange={() => setRole('recruiter')} />
                <span>
                  <strong>Hiring</strong>
                  <span className="muted small">Post jobs and screen resumes</span>
                </span>
              </label>
            </fieldset>
          )}
          {register && (
            <TextField
              label="Full name"
              name="name"
              autoComplete="name"
              value={name}
              onChange={(event) => setName(event.target.value)}
              error={errors.name}
              required
            />
          )}
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete={register ? 'email' : 'username'}
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            error={errors.email}
            required
          />
          <div className={`field${errors.password ? ' field-invalid' : ''}`}>
            <label htmlFor="password">Password</label>
            <div className="password-row">
              <input
                id="password"
                name="password"
                type={showPassword ? 'text' : 'password'}
                autoComplete={register ? 'new-password' : 'current-password'}
                value={password}
                onChange={(event) => setPassword(event.target.value)}
                aria-describedby={[register ? 'password-hint' : '', errors.password ? 'password-error' : ''].filter(Boolean).join(' ') || undefined}
                aria-invalid={errors.password ? true : undefined}
                required
              />
              <button
                type="button"
                className="button button-small"
                aria-pressed={showPassword}
                aria-controls="password"
                onClick={() => setShowPassword((shown) => !shown)}
              >
                {showPassword ? 'Hide' : 'Show'}
                <span className="visually-hidden"> password</span>
              </button>
            </div>
            {register && (
              <p className="hint" id="password-hint">
                {PASSWORD_MIN} to 256 characters. A few unrelated words make a strong one.
              </p>
            )}
            {errors.password && (
              <p className="field-error" id="password-error">
                {errors.password}
              </p>
            )}
          </div>
          {register && role === 'recruiter' && !joining && (
            <TextField
              label="Organization name"
              name="org_name"
              autoComplete="organization"
              value={orgName}
              onChange={(event) => setOrgName(event.target.value)}
              error={errors.org_name}
              hint="Creates your organization; you become its admin."
            />
          )}
          {register && role === 'recruiter' && (
            <TextField
              label="Invitation code"
              name="invitation_token"
              autoComplete="off"
              spellCheck={false}
              className="mono"
              value={invitationToken}
              onChange={(event) => setInvitationToken(event.target.value)}
              error={errors.invitation_token}
              hint={
                joining
                  ? 'Joins the organization that invited you. Use the email address the invitation was sent to.'
                  : 'Invited by an organization? Paste the code from your invitation instead.'
              }
            />
          )}
          <button type="submit" className="button button-primary button-block" disabled={busy}>
            {busy ? 'Please wait…' : register ? 'Create account' : 'Sign in'}
          </button>
        </form>
        <p className="auth-switch">
          {register ? (
            <>
              Already have an account? <Link to="/signin">Sign in</Link>
            </>
          ) : (
            <>
              New to Vitae? <Link to="/register">Create an account</Link>
            </>
          )}
        </p>
      </div>
    </main>
  );
}
