import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, type JobInput } from '../api/client.ts';
import { navigate } from '../router.tsx';
import { api } from '../session.tsx';
import { ErrorMessage, PageTitle, TextArea, TextField } from '../components/ui.tsx';

const splitList = (text: string) =>
  text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);

/** Create a job, or edit one (`jobId`). */
export function JobFormPage({ jobId }: { jobId?: string }) {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [skills, setSkills] = useState('');
  const [niceSkills, setNiceSkills] = useState('');
  const [location, setLocation] = useState('');
  const [minYears, setMinYears] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [loaded, setLoaded] = useState(!jobId);

  useEffect(() => {
    if (!jobId) return;
    api.getJob(jobId).then(
      (job) => {
        setTitle(job.title);
        setDescription(job.description);
        setSkills(job.skills.join(', '));
        setNiceSkills(job.nice_to_have_skills.join(', '));
        setLocation(job.location ?? '');
        setMinYears(job.min_years === null ? '' : String(job.min_years));
        setLoaded(true);
      },
      (caught: unknown) => setError(caught),
    );
  }, [jobId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!title.trim()) found.title = 'Give the job a title.';
    if (!description.trim()) found.description = 'Describe the job: the scorer reads it.';
    if (minYears && !(Number(minYears) >= 0 && Number(minYears) <= 60)) found.min_years = 'Between 0 and 60.';
    setErrors(found);
    if (Object.keys(found).length) return;
    const input: JobInput = {
      title: title.trim(),
      description: description.trim(),
      skills: splitList(skills),
      nice_to_have_skills: splitList(niceSkills),
      location: location.trim() || null,
      min_years: minYears ? Number(minYears) : null,
    };
    setBusy(true);
    setError(null);
    try {
      const job = jobId ? await api.updateJob(jobId, input) : await api.createJob(input);
      navigate(`/jobs/${job.id}`);
    } catch (caught) {
      if (caught instanceof ApiError && caught.field) setErrors({ [caught.field]: caught.detail });
      else setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const heading = jobId ? 'Edit job' : 'New job';
  return (
    <>
      <PageTitle title={heading}>{heading}</PageTitle>
      <ErrorMessage error={error} />
      {loaded && (
        <form className="form narrow" onSubmit={(event) => void submit(event)} noValidate>
          <TextField
            label="Title"
            name="title"
            value={title}
            onChange={(event) => setTitle(event.target.value)}
            error={errors.title}
            required
            maxLength={200}
          />
          <TextArea
            label="Description"
            name="description"
            rows={6}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            error={errors.description}
            required
          />
          <TextField
            label="Required skills"
            name="skills"
            value={skills}
            onChange={(event) => setSkills(event.target.value)}
            hint="Comma-separated, e.g. TypeScript, PostgreSQL, React"
            error={errors.skills}
          />
          <TextField
            label="Nice-to-have skills"
            name="nice_to_have_skills"
            value={niceSkills}
            onChange={(event) => setNiceSkills(event.target.value)}
            hint="Comma-separated"
            error={errors.nice_to_have_skills}
          />
          <div className="field-row">
            <TextField label="Location" name="location" value={location} onChange={(event) => setLocation(event.target.value)} error={errors.location} />
            <TextField
              label="Minimum years of experience"
              name="min_years"
              type="number"
              min={0}
              max={60}
              inputMode="numeric"
              value={minYears}
              onChange={(event) => setMinYears(event.target.value)}
              error={errors.min_years}
            />
          </div>
          <div className="actions">
            <button type="button" className="button" onClick={() => window.history.back()}>
              Cancel
            </button>
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? 'Saving…' : jobId ? 'Save changes' : 'Create job'}
            </button>
          </div>
        </form>
      )}
    </>
  );
}
