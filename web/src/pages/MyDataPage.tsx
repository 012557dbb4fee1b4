import { useState, type FormEvent } from 'react';
import { ApiError, type DataExport } from '../api/client.ts';
import { ErrorMessage, Notice, PageTitle, TextField, formatBytes, formatDate, startDownload, useResource } from '../components/ui.tsx';
import { navigate } from '../router.tsx';
import { api } from '../session.tsx';

/** What the person types to confirm that their account goes for good. */
const CONFIRMATION = 'delete my account';

const EXPORT_STATUS: Record<DataExport['status'], { label: string; tone: string }> = {
  pending: { label: 'Waiting to start', tone: 'pending' },
  running: { label: 'Being prepared', tone: 'pending' },
  ready: { label: 'Ready', tone: 'ok' },
  failed: { label: 'Failed', tone: 'danger' },
  expired: { label: 'Expired', tone: 'muted' },
};

const inProgress = (item: DataExport) => item.status === 'pending' || item.status === 'running';

/** A candidate's own data: export it as one ZIP, or erase the account and everything of it. */
export function MyDataPage() {
  return (
    <>
      <PageTitle title="My data">My data</PageTitle>
      <ExportSection />
      <EraseSection />
    </>
  );
}

function ExportSection() {
  const exports = useResource(() => api.listExports(), [], { poll: (items) => items.some(inProgress), intervalMs: 1500 });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.requestExport();
      exports.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  // The list carries no link: each download asks for a fresh short-lived one.
  const download = async (item: DataExport) => {
    setError(null);
    try {
      const ready = await api.getExport(item.id);
      if (ready.download_url) startDownload(ready.download_url);
      else exports.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  const items = exports.data ?? [];
  return (
    <section className="panel" aria-labelledby="export-title">
      <h2 id="export-title">Export my data</h2>
      <p>
        One ZIP file with everything Vitae stores about you: your account, your documents and all their versions, your applications, what each organization read
        from the resume you sent them, and the record of who opened your documents. It stays available for a limited time, then it is deleted.
      </p>
      <div className="actions">
        <button type="button" className="button button-primary" onClick={() => void start()} disabled={busy || items.some(inProgress)}>
          {busy ? 'Starting…' : 'Export my data'}
        </button>
      </div>
      <ErrorMessage error={exports.error ?? error} />
      {items.length > 0 && (
        <ul className="card-list" aria-label="Exports">
          {items.map((item) => {
            const status = EXPORT_STATUS[item.status];
            return (
              <li key={item.id} className="card">
                <div className="card-row">
                  <p className="card-title">
                    Export of {formatDate(item.created_at)}{' '}
                    <span className={`badge badge-${status.tone}`} data-status={item.status}>
                      {status.tone === 'pending' && <span className="spinner" aria-hidden="true" />}
                      {status.label}
                    </span>
                  </p>
                  {item.status === 'ready' && (
                    <button type="button" className="button button-small" onClick={() => void download(item)}>
                      Download<span className="visually-hidden"> the export of {formatDate(item.created_at)}</span>
                    </button>
                  )}
                </div>
                <p className="muted small">
                  {item.status === 'expired' ? 'Deleted' : 'Available until'} {formatDate(item.expires_at)}
                  {item.size !== null ? ` · ${formatBytes(item.size)}` : ''}
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function EraseSection() {
  const [password, setPassword] = useState('');
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const confirmed = typed.trim().toLowerCase() === CONFIRMATION;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!confirmed || password === '') return;
    setBusy(true);
    setPasswordError(null);
    setError(null);
    try {
      await api.eraseAccount(password);
      navigate('/signin?erased=1', { replace: true });
    } catch (caught) {
      if (caught instanceof ApiError && (caught.code === 'invalid_password' || caught.code === 'reauthentication_required')) setPasswordError(caught.detail);
      else setError(caught);
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="erase-title">
      <h2 id="erase-title">Delete my account</h2>
      <Notice tone="warning">
        <p>
          This erases your account, every document and all its versions, and your applications: the organizations you applied to lose access and their records
          of you are removed. It cannot be undone. The security log keeps entries that say what happened, with ids but without your name, email or file names.
        </p>
      </Notice>
      <form className="form narrow" onSubmit={(event) => void submit(event)} noValidate>
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={passwordError}
          required
        />
        <TextField
          label={`Type “${CONFIRMATION}” to confirm`}
          name="confirmation"
          autoComplete="off"
          spellCheck={false}
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          required
        />
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="submit" className="button button-danger" disabled={busy || !confirmed || password === ''}>
            {busy ? 'Deleting…' : 'Delete my account'}
          </button>
        </div>
      </form>
    </section>
  );
}
