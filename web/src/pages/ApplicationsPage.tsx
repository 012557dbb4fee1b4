import { useState } from 'react';
import type { MyApplication } from '../api/client.ts';
import { ConfirmDialog, ErrorMessage, PageTitle, formatDate, useResource } from '../components/ui.tsx';
import { Link } from '../router.tsx';
import { api } from '../session.tsx';

export function ApplicationsPage() {
  const data = useResource(async () => {
    const [applications, files] = await Promise.all([api.myApplications(), api.listFiles({ limit: 200 })]);
    return { applications, names: Object.fromEntries(files.items.map((file) => [file.id, file.filename ?? 'Untitled'])) };
  }, []);
  const [withdrawing, setWithdrawing] = useState<MyApplication | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const withdraw = async () => {
    if (!withdrawing) return;
    setBusy(true);
    try {
      await api.withdraw(withdrawing.id);
      setWithdrawing(null);
      data.reload();
    } catch (caught) {
      setError(caught);
      setWithdrawing(null);
    } finally {
      setBusy(false);
    }
  };

  const applications = data.data?.applications ?? [];
  return (
    <>
      <PageTitle title="My applications">My applications</PageTitle>
      <ErrorMessage error={data.error ?? error} />
      {data.data && applications.length === 0 && (
        <p className="empty">
          You have not applied to any job yet. <Link to="/open-jobs">See the open jobs</Link>.
        </p>
      )}
      {applications.length > 0 && (
        <ul className="card-list" aria-label="Applications">
          {applications.map((application) => (
            <li key={application.id} className="card">
              <div className="card-row">
                <h2 className="card-title">{application.job_title}</h2>
                <button type="button" className="button button-small" onClick={() => setWithdrawing(application)}>
                  Withdraw<span className="visually-hidden"> from {application.job_title}</span>
                </button>
              </div>
              <p className="muted small">
                Applied {formatDate(application.created_at)} with {data.data?.names[application.resume_file_id] ?? 'your resume'}
                {application.cover_letter_file_id ? ` and ${data.data?.names[application.cover_letter_file_id] ?? 'a cover letter'}` : ''}
              </p>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={withdrawing !== null}
        title="Withdraw this application?"
        confirmLabel="Withdraw"
        danger
        busy={busy}
        onConfirm={() => void withdraw()}
        onCancel={() => setWithdrawing(null)}
      >
        <p>{withdrawing?.job_title}: the organization loses access to the documents you shared. Your documents stay in My documents.</p>
      </ConfirmDialog>
    </>
  );
}
