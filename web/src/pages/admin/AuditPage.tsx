import { useState, type FormEvent } from 'react';
import type { AuditEntry, AuditFilter } from '../../api/client.ts';
import { ErrorMessage, PageTitle, formatDate, useResource } from '../../components/ui.tsx';
import { api, useSession } from '../../session.tsx';

const ACTIONS = [
  'file.upload_initiated',
  'file.uploaded',
  'file.metadata_read',
  'file.download_url_issued',
  'file.content_read',
  'file.deleted',
  'file.erased',
  'file.scanned',
  'file.version_added',
];

const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

export default function AuditPage() {
  const { user } = useSession();
  const verification = useResource(() => api.verifyAudit(), []);
  const members = useResource(
    async () => Object.fromEntries((await api.listMembers(user?.org_id ?? '')).map((member) => [member.id, member.name])),
    [user?.org_id],
  );
  const [draft, setDraft] = useState({ action: '', actor_id: '', file_id: '', from: '', to: '' });
  const [filter, setFilter] = useState<AuditFilter>({});
  const [pages, setPages] = useState<AuditEntry[][]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const first = useResource(async () => {
    const page = await api.listAudit({ ...filter, limit: 50 });
    setPages([page.items]);
    setCursor(page.next_cursor);
    return page;
  }, [JSON.stringify(filter)]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next: AuditFilter = {};
    if (draft.action.trim()) next.action = draft.action.trim();
    if (draft.actor_id.trim()) next.actor_id = draft.actor_id.trim();
    if (draft.file_id.trim()) next.file_id = draft.file_id.trim();
    const from = toIso(draft.from);
    const to = toIso(draft.to);
    if (from) next.from = from;
    if (to) next.to = to;
    setFilter(next);
  };

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await api.listAudit({ ...filter, limit: 50, cursor });
      setPages((current) => [...current, page.items]);
      setCursor(page.next_cursor);
    } catch (caught) {
      setMoreError(caught);
    }
  };

  const entries = pages.flat();
  const result = verification.data;
  return (
    <>
      <PageTitle title="Audit log">Audit log</PageTitle>
      <section className="panel verify" aria-labelledby="verify-title">
        <div className="panel-header">
          <h2 id="verify-title">Integrity</h2>
          <button type="button" className="button button-small" onClick={verification.reload} disabled={verification.loading}>
            Verify again
          </button>
        </div>
        <div aria-live="polite">
          {verification.loading && !result && <p className="muted">Verifying the hash chains…</p>}
          <ErrorMessage error={verification.error} />
          {result &&
            (result.ok ? (
              <p className="verify-status verify-ok">
                <span className="badge badge-ok">Verified</span> Every entry is intact: {result.chains.reduce((sum, chain) => sum + chain.entries, 0)} entries
                in {result.chains.length} chain
                {result.chains.length === 1 ? '' : 's'}.
              </p>
            ) : (
              <div className="verify-status verify-broken">
                <p>
                  <span className="badge badge-danger">Broken</span> The audit trail was altered.
                </p>
                <ul>
                  {result.chains
                    .filter((chain) => !chain.ok)
                    .map((chain) => (
                      <li key={chain.chain}>
                        Chain {chain.chain}: {chain.problem ?? 'mismatch'}
                        {chain.broken_at ? ` (at entry ${chain.broken_at})` : ''}
                      </li>
                    ))}
                </ul>
              </div>
            ))}
        </div>
      </section>
      <section className="panel" aria-labelledby="entries-title">
        <h2 id="entries-title">Entries</h2>
        <form className="filters" onSubmit={apply} aria-label="Filter the audit log">
          <div className="field">
            <label htmlFor="audit-action">Action</label>
            <input id="audit-action" list="audit-actions" value={draft.action} onChange={(event) => setDraft({ ...draft, action: event.target.value })} />
            <datalist id="audit-actions">
              {ACTIONS.map((action) => (
                <option key={action} value={action} />
              ))}
            </datalist>
          </div>
          <div className="field">
            <label htmlFor="audit-actor">Actor id</label>
            <input id="audit-actor" value={draft.actor_id} onChange={(event) => setDraft({ ...draft, actor_id: event.target.value })} />
          </div>
          <div className="field">
            <label htmlFor="audit-file">File id</label>
            <input id="audit-file" value={draft.file_id} onChange={(event) => setDraft({ ...draft, file_id: event.target.value })} />
          </div>
          <div className="field">
            <label htmlFor="audit-from">From</label>
            <input id="audit-from" type="datetime-local" value={draft.from} onChange={(event) => setDraft({ ...draft, from: event.target.value })} />
          </div>
          <div className="field">
            <label htmlFor="audit-to">To</label>
            <input id="audit-to" type="datetime-local" value={draft.to} onChange={(event) => setDraft({ ...draft, to: event.target.value })} />
          </div>
          <div className="field field-submit">
            <button type="submit" className="button button-primary">
              Apply filters
            </button>
          </div>
        </form>
        <ErrorMessage error={first.error ?? moreError} />
        {first.data && entries.length === 0 && <p className="empty">No entries match.</p>}
        {entries.length > 0 && (
          <div className="table-wrap">
            <table className="table audit-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Actor</th>
                  <th scope="col">File</th>
                  <th scope="col">IP</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.id} className={entry.outcome === 'denied' ? 'row-denied' : undefined}>
                    <td className="nowrap">{formatDate(entry.at)}</td>
                    <td>
                      <code>{entry.action}</code>
                    </td>
                    <td>{entry.outcome === 'denied' ? <span className="badge badge-danger">Denied</span> : <span className="badge badge-ok">Allowed</span>}</td>
                    <td className="small">
                      {entry.actor_id ? (
                        <button
                          type="button"
                          className="link-button"
                          onClick={() => setDraft({ ...draft, actor_id: entry.actor_id ?? '' })}
                          title={`Filter by this actor (${entry.actor_id})`}
                        >
                          {members.data?.[entry.actor_id] ?? `${entry.actor_type} …${entry.actor_id.slice(-8)}`}
                        </button>
                      ) : (
                        entry.actor_type
                      )}
                    </td>
                    <td className="small">
                      {entry.file_id ? (
                        <button
                          type="button"
                          className="link-button mono"
                          onClick={() => setDraft({ ...draft, file_id: entry.file_id ?? '' })}
                          title={`Filter by this file (${entry.file_id})`}
                        >
                          …{entry.file_id.slice(-8)}
                        </button>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td className="small mono">{entry.ip ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {cursor && (
          <button type="button" className="button" onClick={() => void more()}>
            Load older entries
          </button>
        )}
      </section>
    </>
  );
}
