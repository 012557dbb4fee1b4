import { Link } from '../router.tsx';
import { api } from '../session.tsx';
import { ErrorMessage, PageTitle, StatusBadge, formatDate, useResource } from '../components/ui.tsx';

export function JobsPage() {
  const { data, error, loading } = useResource(() => api.listJobs({ limit: 200 }), []);
  const jobs = data?.items ?? [];
  return (
    <>
      <div className="page-header">
        <PageTitle title="Jobs">Jobs</PageTitle>
        <Link to="/jobs/new" className="button button-primary">
          New job
        </Link>
      </div>
      <ErrorMessage error={error} />
      {loading && !data && <p className="muted">Loading jobs…</p>}
      {data && jobs.length === 0 && (
        <div className="empty">
          <p>No jobs yet. Create one, then drop in the resumes you received: Vitae parses and ranks them.</p>
        </div>
      )}
      {jobs.length > 0 && (
        <ul className="card-list" aria-label="Jobs">
          {jobs.map((job) => (
            <li key={job.id} className="card">
              <div className="card-row">
                <h2 className="card-title">
                  <Link to={`/jobs/${job.id}`}>{job.title}</Link>
                </h2>
                <StatusBadge status={job.status} />
              </div>
              <p className="muted small">
                {job.location ? `${job.location} · ` : ''}Created {formatDate(job.created_at)}
              </p>
              {job.skills.length > 0 && (
                <ul className="chips" aria-label="Required skills">
                  {job.skills.map((skill) => (
                    <li key={skill} className="chip">
                      {skill}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
