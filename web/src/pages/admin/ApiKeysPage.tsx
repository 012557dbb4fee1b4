import { useState, type FormEvent } from 'react';
import { API_KEY_SCOPES, type ApiKey, type ApiKeyScope, type CreatedApiKey } from '../../api/client.ts';
import { ConfirmDialog, ErrorMessage, PageTitle, TextField, formatDate, useResource } from '../../components/ui.tsx';
import { api } from '../../session.tsx';

const SCOPE_HELP: Record<ApiKeyScope, string> = {
  'files:read': 'read files and download them',
  'files:write': 'upload and delete files',
  'scan:write': 'report scan results (external scanners)',
  'audit:read': 'read the audit log',
  'jobs:read': 'read jobs',
  'jobs:write': 'create and change jobs',
  'candidates:read': 'read candidates and their resumes',
  'candidates:write': 'add and remove candidates',
  'webhooks:write': 'manage webhooks',
  'subjects:write': 'export or erase a person (subject requests)',
};

export default function ApiKeysPage() {
  const keys = useResource(() => api.listApiKeys(), []);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['files:read']);
  const [errors, setErrors] = useState<{ name?: string; scopes?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: typeof errors = {};
    if (!name.trim()) found.name = 'Name the key after the service that uses it.';
    if (scopes.length === 0) found.scopes = 'Choose at least one permission.';
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    setError(null);
    try {
      setCreated(await api.createApiKey(name.trim(), scopes));
      setCopied(false);
      setName('');
      keys.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
    } catch {
      document.getElementById('created-key')?.focus();
      (document.getElementById('created-key') as HTMLInputElement | null)?.select();
    }
  };

  const revoke = async () => {
    if (!revoking) return;
    setBusy(true);
    try {
      await api.revokeApiKey(revoking.id);
      setRevoking(null);
      keys.reload();
    } catch (caught) {
      setError(caught);
      setRevoking(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle title="API keys">API keys</PageTitle>
      <section className="panel" aria-labelledby="new-key-title">
        <h2 id="new-key-title">Create a key</h2>
        <form onSubmit={(event) => void submit(event)} noValidate className="form">
          <TextField label="Name" name="name" value={name} onChange={(event) => setName(event.target.value)} error={errors.name} hint="e.g. ATS sync" />
          <fieldset className={`scopes${errors.scopes ? ' field-invalid' : ''}`} aria-describedby={errors.scopes ? 'scopes-error' : undefined}>
            <legend>Permissions</legend>
            {API_KEY_SCOPES.map((scope) => (
              <label key={scope} className="checkbox">
                <input
                  type="checkbox"
                  checked={scopes.includes(scope)}
                  onChange={(event) => setScopes((current) => (event.target.checked ? [...current, scope] : current.filter((item) => item !== scope)))}
                />
                <code>{scope}</code> <span className="muted small">— {SCOPE_HELP[scope]}</span>
              </label>
            ))}
            {errors.scopes && (
              <p className="field-error" id="scopes-error">
                {errors.scopes}
              </p>
            )}
          </fieldset>
          <button type="submit" className="button button-primary" disabled={busy}>
            Create key
          </button>
        </form>
        <ErrorMessage error={error} />
        {created && (
          <div className="alert alert-success created-key" role="status">
            <p>
              <strong>Copy this key now: it is shown only once.</strong> Vitae keeps only a hash of it.
            </p>
            <div className="password-row">
              <label htmlFor="created-key" className="visually-hidden">
                New API key
              </label>
              <input id="created-key" readOnly value={created.key} onFocus={(event) => event.target.select()} className="mono" />
              <button type="button" className="button" onClick={() => void copy()}>
                {copied ? 'Copied' : 'Copy'}
              </button>
            </div>
            <p className="small">
              Send it as <code>X-Api-Key</code>.
            </p>
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="keys-title">
        <h2 id="keys-title">Keys</h2>
        <ErrorMessage error={keys.error} />
        {keys.data && keys.data.length === 0 && <p className="empty">No API keys yet.</p>}
        {keys.data && keys.data.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Permissions</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((key) => (
                  <tr key={key.id}>
                    <td>{key.name}</td>
                    <td>
                      <code>{key.prefix}…</code>
                    </td>
                    <td className="small">{key.scopes.join(', ')}</td>
                    <td className="small">
                      {key.revoked_at ? `Revoked ${formatDate(key.revoked_at)}` : key.last_used_at ? formatDate(key.last_used_at) : 'Never'}
                    </td>
                    <td>
                      {!key.revoked_at && (
                        <button type="button" className="button button-small button-danger" onClick={() => setRevoking(key)}>
                          Revoke<span className="visually-hidden"> {key.name}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke ${revoking?.name ?? 'this key'}?`}
        confirmLabel="Revoke"
        danger
        busy={busy}
        onConfirm={() => void revoke()}
        onCancel={() => setRevoking(null)}
      >
        <p>Services using it are refused from now on.</p>
      </ConfirmDialog>
    </>
  );
}
