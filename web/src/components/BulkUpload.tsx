import { useRef, useState, type DragEvent } from 'react';
import { ApiError, type IntakeResult } from '../api/client.ts';
import { Link } from '../router.tsx';
import { api } from '../session.tsx';
import { ProgressBar, formatBytes } from './ui.tsx';

interface Item {
  key: number;
  file: File;
  progress: number;
  state: 'queued' | 'uploading' | 'done' | 'failed';
  results?: IntakeResult[];
  error?: string;
}

const ACCEPT = '.pdf,.docx,.txt,.zip,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/plain,application/zip';
const CONCURRENCY = 3;

/** Drop or pick resumes and ZIPs of resumes; one request per file, so each has its own progress and result. */
export function BulkUpload({ jobId, onAdded }: { jobId: string; onAdded: () => void }) {
  const [items, setItems] = useState<Item[]>([]);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const nextKey = useRef(0);
  const queue = useRef<Item[]>([]);
  const running = useRef(0);

  const update = (key: number, patch: Partial<Item>) => setItems((current) => current.map((item) => (item.key === key ? { ...item, ...patch } : item)));

  const pump = () => {
    while (running.current < CONCURRENCY && queue.current.length > 0) {
      const item = queue.current.shift()!;
      running.current += 1;
      update(item.key, { state: 'uploading' });
      api
        .addCandidates(jobId, item.file, { onProgress: ({ loaded, total }) => update(item.key, { progress: total ? (loaded / total) * 100 : 0 }) })
        .then(
          (results) => {
            update(item.key, { state: 'done', progress: 100, results });
            onAdded();
          },
          (error: unknown) => update(item.key, { state: 'failed', error: error instanceof ApiError ? error.detail : String(error) }),
        )
        .finally(() => {
          running.current -= 1;
          pump();
        });
    }
  };

  const add = (files: FileList | File[]) => {
    const added = Array.from(files).map((file): Item => ({ key: nextKey.current++, file, progress: 0, state: 'queued' }));
    if (added.length === 0) return;
    setItems((current) => [...added, ...current]);
    queue.current.push(...added);
    pump();
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  };

  const finished = items.filter((item) => item.state === 'done' || item.state === 'failed').length;

  return (
    <section className="panel" aria-labelledby="bulk-title">
      <h2 id="bulk-title">Add resumes</h2>
      <div
        className={`dropzone${dragging ? ' dropzone-active' : ''}`}
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <p>
          <strong>Drop resumes here</strong> — PDF, DOCX, TXT, or ZIP archives of them.
        </p>
        <button type="button" className="button" onClick={() => input.current?.click()}>
          Choose files…
        </button>
        <input
          ref={input}
          type="file"
          multiple
          accept={ACCEPT}
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Resumes to add"
          onChange={(event) => {
            if (event.target.files) add(event.target.files);
            event.target.value = '';
          }}
        />
      </div>
      {items.length > 0 && (
        <>
          <p className="muted small" aria-live="polite">
            {finished} of {items.length} files processed
          </p>
          <ul className="upload-list" aria-label="Uploads">
            {items.map((item) => (
              <li key={item.key} className="upload-item" data-state={item.state}>
                <div className="upload-head">
                  <span className="upload-name">{item.file.name}</span>
                  <span className="muted small">{formatBytes(item.file.size)}</span>
                </div>
                {(item.state === 'queued' || item.state === 'uploading') && <ProgressBar value={item.progress} label={`Uploading ${item.file.name}`} />}
                {item.state === 'failed' && (
                  <p className="result result-rejected" role="status">
                    Rejected: {item.error}
                  </p>
                )}
                {item.results && (
                  <ul className="results">
                    {item.results.length === 0 && <li className="result result-rejected">No resumes found in this file.</li>}
                    {item.results.map((result, index) => (
                      <li key={index} className={`result result-${resultKind(result)}`}>
                        {item.results!.length > 1 || result.filename !== item.file.name ? <span className="result-file">{result.filename}: </span> : null}
                        <ResultText result={result} />
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function resultKind(result: IntakeResult): 'added' | 'duplicate' | 'rejected' {
  if (result.error) return 'rejected';
  if (result.duplicate_of) return 'duplicate';
  return 'added';
}

function ResultText({ result }: { result: IntakeResult }) {
  if (result.error) return <>Rejected — {result.error.detail}</>;
  if (result.duplicate_of)
    return (
      <>
        Duplicate — <Link to={`/candidates/${result.duplicate_of}`}>already in this job</Link>
      </>
    );
  return (
    <>
      Added — <Link to={`/candidates/${result.candidate_id}`}>view candidate</Link>
    </>
  );
}
