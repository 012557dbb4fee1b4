import { useState, type FormEvent } from 'react';
import type { FileObject, Job } from '../api/client.ts';
import { ErrorMessage, Notice, PageTitle, SelectField, useResource } from '../components/ui.tsx';
import { Link } from '../router.tsx';
import { api } from '../session.tsx';

export function OpenJobsPage() {
  const data = useResource(async () => {
    const [jobs, files, applications] = await Promise.all([api.listJobs({ limit: 200 }), api.listFiles({ status: 'clean', limit: 200 }), api.myApplications()]);
    return { jobs: jobs.items.filter((job) => job.status === 'open'), files: files.items, applications };
  }, []);
  const [applyingTo, setApplyingTo] = useState<string | null>(null);

  const appliedJobs = new Set(data.data?.applications.map((application) => application.job_id));
  const resumes = data.data?.files.filter((file) => file.category === 'resume') ?? [];
  const letters = data.data?.files.filter((file) => file.category === 'cover_letter') ?? [];

  return (
    <>
      <PageTitle title="Open jobs">Open jobs</PageTitle>
      <ErrorMessage error={data.error} />
      {data.loading && !data.data && <p className="muted">Loading jobs…</p>}
      {data.data && data.data.jobs.length === 0 && <p className="empty">No open jobs right now.</p>}
      {data.data && data.data.jobs.length > 0 && (
        <ul className="card-list" aria-label="Open jobs">
          {data.data.jobs.map((job) => (
            <li key={job.id} className="card" data-job-id={job.id}>
              <div className="card-row">
                <h2 className="card-title">{job.title}</h2>
                {appliedJobs.has(job.id) ? (
                  <span className="badge badge-ok">Applied</span>
                ) : (
                  applyingTo !== job.id && (
                    <button type="button" className="button button-primary button-small" onClick={() => setApplyingTo(job.id)}>
                      Apply<span className="visually-hidden"> to {job.title}</span>
                    </button>
                  )
                )}
              </div>
              <p className="muted small">{[job.location, job.min_years !== null ? `${job.min_years}+ years` : null].filter(Boolean).join(' · ')}</p>
              <p className="job-description">{job.description.length > 400 ? `${job.description.slice(0, 400)}…` : job.description}</p>
              {job.skills.length > 0 && (
                <ul className="chips" aria-label={`Skills for ${job.title}`}>
                  {job.skills.map((skill) => (
                    <li key={skill} className="chip">
                      {skill}
                    </li>
                  ))}
                </ul>
              )}
              {applyingTo === job.id && (
                <ApplyForm
                  job={job}
                  resumes={resumes}
                  letters={letters}
                  onCancel={() => setApplyingTo(null)}
                  onDone={() => {
                    setApplyingTo(null);
                    data.reload();
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function ApplyForm({
  job,
  resumes,
  letters,
  onCancel,
  onDone,
}: {
  job: Job;
  resumes: FileObject[];
  letters: FileObject[];
  onCancel: () => void;
  onDone: () => void;
}) {
  const [resume, setResume] = useState(resumes[0]?.id ?? '');
  const [letter, setLetter] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  // The organization's privacy notice is shown before applying; the application records the version seen.
  const notice = useResource(() => api.jobPrivacyNotice(job.id), [job.id]);
  const [acknowledged, setAcknowledged] = useState(false);

  if (resumes.length === 0) {
    return (
      <Notice tone="warning">
        You need a clean resume to apply: <Link to="/documents">upload one in My documents</Link> and wait for its scan.
      </Notice>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.apply(job.id, {
        resume_file_id: resume,
        ...(letter ? { cover_letter_file_id: letter } : {}),
        ...(notice.data ? { privacy_notice_id: notice.data.id } : {}),
      });
      setDone(true);
      setTimeout(onDone, 600);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="apply-form" onSubmit={(event) => void submit(event)} aria-label={`Apply to ${job.title}`}>
      <ErrorMessage error={error} />
      <SelectField label="Resume" name="resume" value={resume} onChange={(event) => setResume(event.target.value)}>
        {resumes.map((file) => (
          <option key={file.id} value={file.id}>
            {file.filename}
          </option>
        ))}
      </SelectField>
      <SelectField label="Cover letter (optional)" name="cover_letter" value={letter} onChange={(event) => setLetter(event.target.value)}>
        <option value="">No cover letter</option>
        {letters.map((file) => (
          <option key={file.id} value={file.id}>
            {file.filename}
          </option>
        ))}
      </SelectField>
      <p className="muted small">Applying shares these documents with the organization that posted the job, until you withdraw.</p>
      <ErrorMessage error={notice.error} />
      {notice.data && (
        <section className="privacy-notice" aria-labelledby={`notice-${job.id}`}>
          <h3 id={`notice-${job.id}`}>Privacy notice (version {notice.data.version})</h3>
          {notice.data.text && <p className="notice-text">{notice.data.text}</p>}
          {notice.data.url && (
            <p>
              <a href={notice.data.url} target="_blank" rel="noreferrer noopener">
                Read the full privacy notice
              </a>
            </p>
          )}
          <label className="checkbox">
            <input type="checkbox" checked={acknowledged} onChange={(event) => setAcknowledged(event.target.checked)} />I have read this privacy notice
          </label>
        </section>
      )}
      {done && <Notice tone="success">Application sent.</Notice>}
      <div className="actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={busy || done || notice.loading || (notice.data !== null && !acknowledged)}>
          {busy ? 'Sending…' : 'Send application'}
        </button>
      </div>
    </form>
  );
}
