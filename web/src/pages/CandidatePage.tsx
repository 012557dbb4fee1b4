import { lazy, Suspense, useEffect, useState } from 'react';
import { ApiError, type Candidate, type FileObject, type SkillEvidence } from '../api/client.ts';
import { ConfirmDialog, ErrorMessage, PageTitle, StatusBadge, formatDate, isBusyFile, startDownload, useResource } from '../components/ui.tsx';
import { Link, navigate } from '../router.tsx';
import { api } from '../session.tsx';
import { Score } from './JobPage.tsx';

const PdfViewer = lazy(() => import('../components/PdfViewer.tsx'));

interface Loaded {
  candidate: Candidate;
  file: FileObject | null;
}

export function CandidatePage({ candidateId }: { candidateId: string }) {
  const { data, error } = useResource<Loaded>(
    async () => {
      const candidate = await api.getCandidate(candidateId);
      const file = await api.getFile(candidate.file_id).catch(() => null);
      return { candidate, file };
    },
    [candidateId],
    {
      poll: ({ candidate, file }) => candidate.status === 'pending' || candidate.status === 'parsing' || (file !== null && isBusyFile(file.status)),
      intervalMs: 1500,
    },
  );
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);

  if (error) return <ErrorMessage error={error} />;
  if (!data) return <p className="muted">Loading candidate…</p>;
  const { candidate, file } = data;
  const name = candidate.name || candidate.filename || 'Unnamed candidate';
  const clean = file ? file.status === 'clean' : candidate.status === 'scored';
  const breakdown = candidate.score_breakdown;

  const download = async () => {
    setActionError(null);
    try {
      const link = await api.downloadLink(candidate.file_id);
      startDownload(link.url);
    } catch (caught) {
      // Without access to the file object (e.g. an API key without files:read), stream it through the candidate.
      if (caught instanceof ApiError && (caught.status === 403 || caught.status === 404)) {
        const blob = await api.candidateFile(candidate.id);
        const url = URL.createObjectURL(blob);
        startDownload(url, candidate.filename ?? 'resume');
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      } else setActionError(caught);
    }
  };

  const remove = async () => {
    setDeleting(true);
    try {
      await api.deleteCandidate(candidate.id);
      navigate(`/jobs/${candidate.job_id}`);
    } catch (caught) {
      setActionError(caught);
      setDeleting(false);
      setConfirming(false);
    }
  };

  return (
    <>
      <div className="page-header">
        <div>
          <p className="breadcrumb">
            <Link to={`/jobs/${candidate.job_id}`}>Back to the job</Link>
          </p>
          <PageTitle title={name}>{name}</PageTitle>
        </div>
        <div className="actions">
          {candidate.application_id && <span className="badge badge-info">Applied</span>}
          <StatusBadge status={candidate.status} reason={candidate.status_reason} />
          {clean && (
            <button type="button" className="button button-primary" onClick={() => void download()}>
              Download resume
            </button>
          )}
          <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
            Delete candidate
          </button>
        </div>
      </div>
      <ErrorMessage error={actionError} />
      <ConfirmDialog
        open={confirming}
        title={`Delete ${name}?`}
        confirmLabel="Delete candidate"
        danger
        busy={deleting}
        onConfirm={() => void remove()}
        onCancel={() => setConfirming(false)}
      >
        <p>
          The candidate leaves this job{candidate.application_id ? '; the resume they shared stays theirs' : ' and the uploaded resume is deleted'}. This cannot
          be undone.
        </p>
      </ConfirmDialog>

      <div className="candidate-layout">
        <div className="candidate-details">
          <section className="panel" aria-labelledby="profile-title">
            <h2 id="profile-title">Profile</h2>
            <dl className="details">
              <dt>Email</dt>
              <dd>{candidate.email ? <a href={`mailto:${candidate.email}`}>{candidate.email}</a> : '—'}</dd>
              <dt>Phone</dt>
              <dd>
                {candidate.phone ? <a href={`tel:${candidate.phone}`}>{candidate.phone}</a> : '—'}
                {candidate.phone && candidate.phone_valid === false && <span className="muted small"> (as printed: not a valid number)</span>}
              </dd>
              <dt>Experience</dt>
              <dd>{candidate.experience_years !== null ? `${candidate.experience_years} years` : '—'}</dd>
              <dt>Links</dt>
              <dd>
                <Links links={candidate.links} />
              </dd>
              <dt>Resume</dt>
              <dd>
                {candidate.filename ?? '—'} {file && <StatusBadge status={file.status} />}
              </dd>
              <dt>Added</dt>
              <dd>{formatDate(candidate.created_at)}</dd>
            </dl>
            {candidate.text_source === 'ocr' && (
              <p className="alert alert-info" role="note">
                This resume is a scan: its fields were read from the page images by OCR. Check them against the document.
              </p>
            )}
            {candidate.skills.length > 0 && (
              <>
                <h3>Skills</h3>
                <ul className="chips" aria-label="Skills found in the resume">
                  {candidate.skills.map((skill) => (
                    <li key={skill} className="chip">
                      {skill}
                    </li>
                  ))}
                </ul>
                <SkillEvidenceList evidence={candidate.skill_evidence ?? []} />
              </>
            )}
          </section>
          <section className="panel" aria-labelledby="score-title">
            <div className="panel-header">
              <h2 id="score-title">Score</h2>
              <Score value={candidate.score} />
            </div>
            {candidate.status_reason && candidate.status === 'failed' && <p className="alert alert-warning">{describeReason(candidate.status_reason)}</p>}
            {breakdown ? (
              <>
                <SkillList label="Matched skills" items={breakdown.matched_skills} kind="match" />
                <SkillList label="Missing skills" items={breakdown.missing_skills} kind="missing" />
                <SkillList label="Nice-to-have matched" items={breakdown.nice_matched} kind="soft" />
                {breakdown.parts && breakdown.parts.length > 0 && (
                  <table className="table breakdown">
                    <caption className="visually-hidden">Score breakdown</caption>
                    <thead>
                      <tr>
                        <th scope="col">Part</th>
                        <th scope="col">Points</th>
                        <th scope="col">Why</th>
                      </tr>
                    </thead>
                    <tbody>
                      {breakdown.parts.map((part) => (
                        <tr key={part.name}>
                          <th scope="row">{humanize(part.name)}</th>
                          <td>
                            {round(part.points)} / {round(part.max)}
                          </td>
                          <td className="muted small">{part.detail ?? ''}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
                {candidate.scorer && <p className="muted small">Scored by {candidate.scorer}</p>}
              </>
            ) : (
              <p className="muted">{candidate.status === 'failed' ? 'Not scored.' : 'The score appears once the resume is scanned and parsed.'}</p>
            )}
          </section>
        </div>
        <section className="panel resume-panel" aria-labelledby="resume-title">
          <h2 id="resume-title">Resume</h2>
          {clean ? (
            <ResumePreview candidate={candidate} file={file} />
          ) : (
            <p className="muted">
              {file && isBusyFile(file.status)
                ? 'The resume is being scanned; it can be viewed once it is clean.'
                : 'This resume is blocked and cannot be viewed or downloaded.'}
            </p>
          )}
        </section>
      </div>
    </>
  );
}

function ResumePreview({ candidate, file }: { candidate: Candidate; file: FileObject | null }) {
  const [content, setContent] = useState<{ type: string; data: ArrayBuffer } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const controller = new AbortController();
    api.candidateFile(candidate.id, controller.signal).then(
      async (blob) => setContent({ type: blob.type || file?.content_type || '', data: await blob.arrayBuffer() }),
      (caught: unknown) => {
        if ((caught as Error)?.name !== 'AbortError') setError(caught);
      },
    );
    return () => controller.abort();
  }, [candidate.id, file?.content_type]);
  if (error) return <ErrorMessage error={error} />;
  if (!content) return <p className="muted">Loading the resume…</p>;
  const type = (file?.content_type || content.type).split(';')[0];
  if (type === 'application/pdf') {
    return (
      <Suspense fallback={<p className="muted">Loading the PDF viewer…</p>}>
        <PdfViewer data={content.data} title={candidate.filename ?? 'Resume'} />
      </Suspense>
    );
  }
  if (type?.startsWith('text/')) {
    return (
      <pre className="resume-text" tabIndex={0} aria-label="Resume text">
        {new TextDecoder().decode(content.data)}
      </pre>
    );
  }
  return <p className="muted">No preview for this type of document; download it to read it.</p>;
}

function Links({ links }: { links: Candidate['links'] }) {
  const entries = Object.entries(links ?? {}).flatMap(([kind, value]) =>
    Array.isArray(value) ? value.map((item) => [kind, String(item)] as const) : typeof value === 'string' ? [[kind, value] as const] : [],
  );
  if (entries.length === 0) return <>—</>;
  return (
    <ul className="plain-list">
      {entries.map(([kind, url]) => (
        <li key={url}>
          <a href={/^https?:\/\//.test(url) ? url : `https://${url}`} rel="noopener noreferrer nofollow" target="_blank">
            {humanize(kind)}: {url}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** Why each skill is there: the section and the line of the resume it was read from. */
function SkillEvidenceList({ evidence }: { evidence: SkillEvidence[] }) {
  if (evidence.length === 0) return null;
  return (
    <details className="skill-evidence">
      <summary>Where each skill was found</summary>
      <table className="table">
        <caption className="visually-hidden">Where each skill was found</caption>
        <thead>
          <tr>
            <th scope="col">Skill</th>
            <th scope="col">Section</th>
            <th scope="col">Line of the resume</th>
          </tr>
        </thead>
        <tbody>
          {evidence.map((item) => (
            <tr key={item.name}>
              <th scope="row">
                {item.name}
                {item.parent && <span className="muted small"> ({item.parent})</span>}
              </th>
              <td>{humanize(item.section)}</td>
              <td className="small">{item.evidence}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function SkillList({ label, items, kind }: { label: string; items: string[] | undefined; kind: 'match' | 'missing' | 'soft' }) {
  if (!items || items.length === 0) return null;
  return (
    <div className="skill-group">
      <h3>{label}</h3>
      <ul className="chips" aria-label={label}>
        {items.map((skill) => (
          <li key={skill} className={`chip chip-${kind}`}>
            {skill}
          </li>
        ))}
      </ul>
    </div>
  );
}

function describeReason(reason: string): string {
  if (reason === 'file_infected') return 'The antivirus found malware in this resume: it is quarantined and cannot be opened.';
  if (reason === 'file_rejected') return 'The content checks refused this resume (for example active content or a type it does not really have).';
  return `Parsing failed: ${humanize(reason)}.`;
}

function humanize(text: string): string {
  const spaced = text.replace(/[_-]+/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
