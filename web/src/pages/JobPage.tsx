import { useEffect, useState } from 'react';
import type { Candidate, CandidateStatus, Job } from '../api/client.ts';
import { BulkUpload } from '../components/BulkUpload.tsx';
import { ConfirmDialog, ErrorMessage, PageTitle, StatusBadge, isBusyFile, useResource } from '../components/ui.tsx';
import { Link } from '../router.tsx';
import { takePrefetched } from '../prefetch.ts';
import { api } from '../session.tsx';

const PAGE = 200;
const FIRST_ROWS = 25;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

interface Ranked {
  items: Candidate[];
  nextOffset: number | null;
  /** Scan status of the files of candidates still waiting for their scan. */
  fileStatus: Record<string, string>;
}

export function JobPage({ jobId }: { jobId: string }) {
  const job = useResource(() => takePrefetched<Job>(`job:${jobId}`) ?? api.getJob(jobId), [jobId]);
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<'' | CandidateStatus>('');
  const [skill, setSkill] = useState('');
  const q = useDebounced(query.trim(), 300);
  const [closing, setClosing] = useState(false);
  const [closeError, setCloseError] = useState<unknown>(null);

  const candidates = useResource<Ranked>(
    async (signal) => {
      const prefetched = q || status || skill ? undefined : takePrefetched<Awaited<ReturnType<typeof api.listCandidates>>>(`candidates:${jobId}`);
      const page = await (prefetched ??
        api.listCandidates(jobId, { limit: PAGE, ...(q ? { q } : {}), ...(status ? { status } : {}), ...(skill ? { skill } : {}) }, signal));
      const waiting = page.items.filter((candidate) => candidate.status === 'pending').slice(0, 25);
      const statuses = await Promise.all(
        waiting.map((candidate) =>
          api.getFile(candidate.file_id).then(
            (file) => [candidate.file_id, file.status] as const,
            () => [candidate.file_id, ''] as const,
          ),
        ),
      );
      return { items: page.items, nextOffset: page.next_offset, fileStatus: Object.fromEntries(statuses.filter(([, value]) => value)) };
    },
    [jobId, q, status, skill],
    { poll: (data) => data.items.some((candidate) => candidate.status === 'pending' || candidate.status === 'parsing'), intervalMs: 1500 },
  );

  const setJobStatus = async (next: 'open' | 'closed') => {
    setCloseError(null);
    try {
      job.setData(await api.updateJob(jobId, { status: next }));
      setClosing(false);
    } catch (error) {
      setCloseError(error);
      setClosing(false);
    }
  };

  const current: Job | null = job.data;
  const skills = current ? [...current.skills, ...current.nice_to_have_skills] : [];
  const filtered = Boolean(q || status || skill);
  const items = candidates.data?.items ?? [];
  // The first rows paint at once; the rest render right after (a long list would delay the first paint).
  const [rowLimit, setRowLimit] = useState(FIRST_ROWS);
  useEffect(() => {
    if (items.length <= rowLimit) return;
    const timer = setTimeout(() => setRowLimit(Number.MAX_SAFE_INTEGER), 0);
    return () => clearTimeout(timer);
  }, [items.length, rowLimit]);

  return (
    <>
      <ErrorMessage error={job.error} />
      {current && (
        <>
          <div className="page-header">
            <div>
              <p className="breadcrumb">
                <Link to="/jobs">Jobs</Link>
              </p>
              <PageTitle title={current.title}>{current.title}</PageTitle>
            </div>
            <div className="actions">
              <StatusBadge status={current.status} />
              <Link to={`/jobs/${jobId}/edit`} className="button">
                Edit
              </Link>
              {current.status === 'open' ? (
                <button type="button" className="button" onClick={() => setClosing(true)}>
                  Close job
                </button>
              ) : (
                <button type="button" className="button" onClick={() => void setJobStatus('open')}>
                  Reopen
                </button>
              )}
            </div>
          </div>
          <ErrorMessage error={closeError} />
          <p className="muted">{[current.location, current.min_years !== null ? `${current.min_years}+ years` : null].filter(Boolean).join(' · ')}</p>
          {skills.length > 0 && (
            <ul className="chips" aria-label="Skills the job asks for">
              {current.skills.map((name) => (
                <li key={`r-${name}`} className="chip">
                  {name}
                </li>
              ))}
              {current.nice_to_have_skills.map((name) => (
                <li key={`n-${name}`} className="chip chip-soft">
                  {name} <span className="visually-hidden">(nice to have)</span>
                </li>
              ))}
            </ul>
          )}
          <ConfirmDialog
            open={closing}
            title="Close this job?"
            confirmLabel="Close job"
            onConfirm={() => void setJobStatus('closed')}
            onCancel={() => setClosing(false)}
          >
            <p>Candidates can no longer apply. Its candidates stay here; you can reopen it later.</p>
          </ConfirmDialog>
        </>
      )}

      <div className="job-layout">
        <section className="panel candidates-panel" aria-labelledby="ranked-title">
          <div className="panel-header">
            <h2 id="ranked-title">Candidates</h2>
            {candidates.data && (
              <span className="muted small" aria-live="polite">
                {items.length}
                {candidates.data.nextOffset !== null ? '+' : ''} {filtered ? 'matching' : 'ranked by score'}
              </span>
            )}
          </div>
          <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
            <div className="field">
              <label htmlFor="candidate-search">Search resumes</label>
              <input
                id="candidate-search"
                type="search"
                value={query}
                placeholder="e.g. Kubernetes, Berlin"
                onChange={(event) => setQuery(event.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="candidate-status">Status</label>
              <select id="candidate-status" value={status} onChange={(event) => setStatus(event.target.value as '' | CandidateStatus)}>
                <option value="">All</option>
                <option value="scored">Scored</option>
                <option value="pending">Waiting for scan</option>
                <option value="parsing">Parsing</option>
                <option value="failed">Failed or blocked</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="candidate-skill">Skill</label>
              <select id="candidate-skill" value={skill} onChange={(event) => setSkill(event.target.value)}>
                <option value="">Any</option>
                {skills.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </div>
          </form>
          <ErrorMessage error={candidates.error} />
          {candidates.loading && !candidates.data && <p className="muted">Loading candidates…</p>}
          {candidates.data && items.length === 0 && (
            <p className="empty">{filtered ? 'No candidate matches these filters.' : 'No candidates yet: add resumes to rank them.'}</p>
          )}
          {items.length > 0 && (
            <ol className="ranking" aria-label="Ranked candidates">
              {items.slice(0, rowLimit).map((candidate, index) => (
                <CandidateRow key={candidate.id} candidate={candidate} rank={index + 1} fileStatus={candidates.data?.fileStatus[candidate.file_id]} />
              ))}
            </ol>
          )}
          {candidates.data?.nextOffset != null && <p className="muted small">Showing the best {PAGE}. Search or filter to find others.</p>}
        </section>
        {current && <BulkUpload jobId={jobId} onAdded={candidates.reload} />}
      </div>
    </>
  );
}

function CandidateRow({ candidate, rank, fileStatus }: { candidate: Candidate; rank: number; fileStatus: string | undefined }) {
  const matched = candidate.score_breakdown?.matched_skills ?? [];
  const missing = candidate.score_breakdown?.missing_skills ?? [];
  const name = candidate.name || candidate.filename || 'Unnamed candidate';
  const blocked = candidate.status === 'failed';
  return (
    <li className={`rank-row${blocked ? ' rank-row-failed' : ''}`} data-candidate-id={candidate.id}>
      <span className="rank" aria-hidden="true">
        {rank}
      </span>
      <div className="rank-main">
        <div className="rank-title">
          <Link to={`/candidates/${candidate.id}`} className="candidate-name">
            {name}
          </Link>
          {candidate.application_id && <span className="badge badge-info">Applied</span>}
          {candidate.status === 'pending' && fileStatus && isBusyFile(fileStatus) ? (
            <StatusBadge status={fileStatus} />
          ) : (
            candidate.status !== 'scored' && <StatusBadge status={candidate.status} reason={candidate.status_reason} />
          )}
        </div>
        {candidate.filename && candidate.name && <p className="muted small rank-file">{candidate.filename}</p>}
        {(matched.length > 0 || missing.length > 0) && (
          <div className="skills-line">
            {matched.length > 0 && (
              <ul className="chips" aria-label="Matched skills">
                {matched.map((skill) => (
                  <li key={skill} className="chip chip-match">
                    <span aria-hidden="true">✓ </span>
                    {skill}
                  </li>
                ))}
              </ul>
            )}
            {missing.length > 0 && (
              <ul className="chips" aria-label="Missing skills">
                {missing.map((skill) => (
                  <li key={skill} className="chip chip-missing">
                    <span aria-hidden="true">✗ </span>
                    {skill}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
      <Score value={candidate.score} />
    </li>
  );
}

export function Score({ value }: { value: number | null }) {
  if (value === null) {
    return (
      <span className="score score-none" aria-label="Not scored yet">
        —
      </span>
    );
  }
  const rounded = Math.round(value);
  return (
    <span className="score" data-score={rounded}>
      <span className="score-value">{rounded}</span>
      <span className="visually-hidden"> out of 100</span>
      <span className="score-bar" aria-hidden="true">
        <span style={{ width: `${rounded}%` }} />
      </span>
    </span>
  );
}
