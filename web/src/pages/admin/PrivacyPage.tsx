import { useState, type FormEvent } from 'react';
import type { RetentionItem, SubjectRequest } from '../../api/client.ts';
import {
  ConfirmDialog,
  ErrorMessage,
  Notice,
  PageTitle,
  SelectField,
  TextArea,
  TextField,
  formatDate,
  startDownload,
  useResource,
} from '../../components/ui.tsx';
import { api, useSession } from '../../session.tsx';

const RULES: Record<RetentionItem['rule'], string> = { job_closed: 'job closed', rejected: 'rejected', withdrawn: 'withdrew' };
const STATUS: Record<SubjectRequest['status'], string> = { pending: 'Waiting for confirmation', running: 'Running', completed: 'Completed', failed: 'Failed' };

/** The organization's privacy duties: subject requests, retention, the privacy notice (org admins). */
export default function PrivacyPage() {
  const { user } = useSession();
  const orgId = user?.org_id ?? '';
  return (
    <>
      <PageTitle title="Privacy">Privacy</PageTitle>
      <SubjectRequests orgId={orgId} />
      <RetentionSection orgId={orgId} />
      <NoticeSection orgId={orgId} />
    </>
  );
}

function SubjectRequests({ orgId }: { orgId: string }) {
  const requests = useResource(() => api.listSubjectRequests(orgId), [orgId], {
    poll: (items) => items.some((item) => item.status === 'running'),
  });
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [action, setAction] = useState<'export' | 'erase'>('export');
  const [emailError, setEmailError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const selected = requests.data?.find((item) => item.id === selectedId) ?? null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) {
      setEmailError('Enter an email address like name@example.com.');
      return;
    }
    setEmailError(null);
    setError(null);
    setBusy(true);
    try {
      const created = await api.createSubjectRequest(orgId, { email: email.trim(), action, ...(phone.trim() ? { phone: phone.trim() } : {}) });
      setSelectedId(created.id);
      setEmail('');
      setPhone('');
      requests.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    if (!selected) return;
    setBusy(true);
    try {
      await api.confirmSubjectRequest(orgId, selected.id);
      requests.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setConfirming(false);
      setBusy(false);
    }
  };

  const download = async (request: SubjectRequest) => {
    try {
      const fresh = await api.getSubjectRequest(orgId, request.id);
      if (fresh.download_url) startDownload(fresh.download_url);
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <section className="panel" aria-labelledby="subject-title">
      <h2 id="subject-title">Subject requests</h2>
      <p className="muted small">
        Export or erase everything the organization holds about a person who has no account: every candidate whose resume gives this email address (or phone
        number), in all jobs. You see the matches before anything happens.
      </p>
      <form className="inline-form" onSubmit={(event) => void submit(event)} noValidate aria-label="New subject request">
        <TextField label="Email" name="subject_email" type="email" value={email} onChange={(event) => setEmail(event.target.value)} error={emailError} />
        <TextField label="Phone (optional)" name="subject_phone" type="tel" value={phone} onChange={(event) => setPhone(event.target.value)} />
        <SelectField label="Action" name="subject_action" value={action} onChange={(event) => setAction(event.target.value as 'export' | 'erase')}>
          <option value="export">Export their data</option>
          <option value="erase">Erase their data</option>
        </SelectField>
        <button type="submit" className="button button-primary" disabled={busy}>
          Find matches
        </button>
      </form>
      <ErrorMessage error={error ?? requests.error} />
      {requests.data && requests.data.length === 0 && <p className="empty">No subject requests yet.</p>}
      {requests.data && requests.data.length > 0 && (
        <div className="table-wrap">
          <table className="table" aria-label="Subject requests">
            <thead>
              <tr>
                <th scope="col">Filed</th>
                <th scope="col">Action</th>
                <th scope="col">Matches</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Open</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {requests.data.map((request) => (
                <tr key={request.id}>
                  <td className="small">{formatDate(request.created_at)}</td>
                  <td>{request.action === 'erase' ? 'Erase' : 'Export'}</td>
                  <td>{request.matches.length}</td>
                  <td>{STATUS[request.status]}</td>
                  <td>
                    <button type="button" className="button button-small" onClick={() => setSelectedId(request.id)} aria-pressed={request.id === selectedId}>
                      Show<span className="visually-hidden"> the request filed {formatDate(request.created_at)}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected && (
        <div className="subject-request" aria-label="Selected request" role="region">
          <h3>
            {selected.action === 'erase' ? 'Erase' : 'Export'}: {selected.matches.length} {selected.matches.length === 1 ? 'match' : 'matches'}
          </h3>
          {selected.matches.length > 0 ? (
            <div className="table-wrap">
              <table className="table" aria-label="Matches">
                <thead>
                  <tr>
                    <th scope="col">Job</th>
                    <th scope="col">Name</th>
                    <th scope="col">Email</th>
                    <th scope="col">Phone</th>
                    <th scope="col">File</th>
                  </tr>
                </thead>
                <tbody>
                  {selected.matches.map((match) => (
                    <tr key={match.candidate_id}>
                      <td>{match.job_title}</td>
                      <td>{match.erased ? <span className="muted">Erased</span> : match.name}</td>
                      <td>{match.email}</td>
                      <td>{match.phone}</td>
                      <td>{match.filename}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="empty">Nothing of this organization matches.</p>
          )}
          {selected.status === 'pending' && (
            <button type="button" className={`button ${selected.action === 'erase' ? 'button-danger' : 'button-primary'}`} onClick={() => setConfirming(true)}>
              {selected.action === 'erase' ? 'Erase all matches' : 'Export all matches'}
            </button>
          )}
          {selected.status === 'running' && <Notice>Working on it…</Notice>}
          {selected.status === 'failed' && <Notice tone="warning">The request failed; file it again.</Notice>}
          {selected.status === 'completed' && selected.report && (
            <Notice tone="success">
              {selected.action === 'erase'
                ? `Erased ${String(selected.report.candidates_erased)} candidates and ${String(selected.report.files_erased)} files.`
                : `Exported ${String(selected.report.candidates_exported)} candidates and ${String(selected.report.files_exported)} files.`}
            </Notice>
          )}
          {selected.status === 'completed' && selected.action === 'export' && selected.expires_at && (
            <button type="button" className="button" onClick={() => void download(selected)}>
              Download the export
            </button>
          )}
        </div>
      )}
      <ConfirmDialog
        open={confirming}
        title={selected?.action === 'erase' ? 'Erase this person’s data?' : 'Export this person’s data?'}
        confirmLabel={selected?.action === 'erase' ? 'Erase' : 'Export'}
        danger={selected?.action === 'erase'}
        busy={busy}
        {...(selected?.action === 'erase' ? { requireAcknowledge: 'I understand this cannot be undone' } : {})}
        onConfirm={() => void confirm()}
        onCancel={() => setConfirming(false)}
      >
        <p>
          {selected?.action === 'erase'
            ? `The ${selected?.matches.length ?? 0} candidates listed, their parsed data and the resumes the organization uploaded are erased for good.`
            : `One ZIP of the ${selected?.matches.length ?? 0} candidates listed and their files is built for download.`}
        </p>
      </ConfirmDialog>
    </section>
  );
}

const toDays = (value: string): number | null => (value.trim() === '' ? null : Number(value));

function RetentionSection({ orgId }: { orgId: string }) {
  const settings = useResource(async () => {
    const [current, preview] = await Promise.all([api.retention(orgId), api.retentionPreview(orgId)]);
    return { current, preview };
  }, [orgId]);
  const [form, setForm] = useState<{ closed: string; rejected: string; notice: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const values = form ?? {
    closed: settings.data?.current.candidate_retention_days?.toString() ?? '',
    rejected: settings.data?.current.rejected_retention_days?.toString() ?? '',
    notice: settings.data?.current.notice_days.toString() ?? '14',
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await api.updateRetention(orgId, {
        candidate_retention_days: toDays(values.closed),
        rejected_retention_days: toDays(values.rejected),
        notice_days: Number(values.notice),
      });
      setForm(null);
      setSaved(true);
      settings.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  const list = (items: RetentionItem[], label: string) =>
    items.length === 0 ? (
      <p className="empty">Nothing.</p>
    ) : (
      <ul aria-label={label}>
        {items.map((item) => (
          <li key={item.candidate_id}>
            {item.name ?? 'A candidate'} — {item.job_title} ({RULES[item.rule]}), {formatDate(item.due_at)}
          </li>
        ))}
      </ul>
    );

  return (
    <section className="panel" aria-labelledby="retention-title">
      <h2 id="retention-title">Retention</h2>
      <p className="muted small">Candidates are erased automatically once these periods pass. Leave a period empty to keep candidates until you delete them.</p>
      <form className="inline-form" onSubmit={(event) => void save(event)} aria-label="Retention settings">
        <TextField
          label="Days after a job closes"
          name="candidate_retention_days"
          type="number"
          min={1}
          value={values.closed}
          onChange={(event) => setForm({ ...values, closed: event.target.value })}
        />
        <TextField
          label="Days after rejection or withdrawal"
          name="rejected_retention_days"
          type="number"
          min={1}
          value={values.rejected}
          onChange={(event) => setForm({ ...values, rejected: event.target.value })}
        />
        <TextField
          label="Days of notice (webhook)"
          name="notice_days"
          type="number"
          min={0}
          value={values.notice}
          onChange={(event) => setForm({ ...values, notice: event.target.value })}
        />
        <button type="submit" className="button button-primary">
          Save retention
        </button>
      </form>
      {saved && <Notice tone="success">Retention saved.</Notice>}
      <ErrorMessage error={error ?? settings.error} />
      {settings.data && (
        <>
          <h3>Erased by the next run</h3>
          {list(settings.data.preview.due, 'Due for erasure')}
          <h3>Due within {settings.data.current.notice_days} days</h3>
          {list(settings.data.preview.upcoming, 'Upcoming erasures')}
        </>
      )}
    </section>
  );
}

function NoticeSection({ orgId }: { orgId: string }) {
  const notices = useResource(() => api.listPrivacyNotices(orgId), [orgId]);
  const [text, setText] = useState('');
  const [url, setUrl] = useState('');
  const [error, setError] = useState<unknown>(null);

  const publish = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await api.publishPrivacyNotice(orgId, { ...(text.trim() ? { text } : {}), ...(url.trim() ? { url: url.trim() } : {}) });
      setText('');
      setUrl('');
      notices.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <section className="panel" aria-labelledby="notice-title">
      <h2 id="notice-title">Privacy notice</h2>
      <p className="muted small">Candidates see the current version before they apply; each application records the version they saw.</p>
      <form className="form narrow" onSubmit={(event) => void publish(event)} aria-label="Publish a privacy notice">
        <TextArea label="Notice text" name="notice_text" rows={5} value={text} onChange={(event) => setText(event.target.value)} />
        <TextField label="Link to the full notice (optional)" name="notice_url" type="url" value={url} onChange={(event) => setUrl(event.target.value)} />
        <button type="submit" className="button button-primary">
          Publish a new version
        </button>
      </form>
      <ErrorMessage error={error ?? notices.error} />
      {notices.data && notices.data.length === 0 && <p className="empty">No privacy notice yet.</p>}
      {notices.data && notices.data.length > 0 && (
        <ol aria-label="Notice versions" className="notice-versions">
          {notices.data.map((notice, index) => (
            <li key={notice.id}>
              <strong>
                Version {notice.version}
                {index === 0 ? ' (current)' : ''}
              </strong>{' '}
              <span className="muted small">{formatDate(notice.created_at)}</span>
              {notice.text && <p className="notice-text">{notice.text}</p>}
              {notice.url && (
                <p>
                  <a href={notice.url}>{notice.url}</a>
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
