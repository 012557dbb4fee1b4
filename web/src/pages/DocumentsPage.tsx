import { useRef, useState, type FormEvent } from 'react';
import { ApiError, type FileCategory, type FileObject, type FileVersion } from '../api/client.ts';
import {
  ConfirmDialog,
  ErrorMessage,
  Notice,
  PageTitle,
  ProgressBar,
  SelectField,
  StatusBadge,
  UsageLine,
  formatBytes,
  formatDate,
  isBusyFile,
  startDownload,
  useResource,
} from '../components/ui.tsx';
import { api } from '../session.tsx';

const CATEGORIES: Array<[FileCategory, string]> = [
  ['resume', 'Resume'],
  ['cover_letter', 'Cover letter'],
];
const ACCEPT = '.pdf,.docx,.txt,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/plain';

interface Upload {
  name: string;
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  error?: unknown;
}

export function DocumentsPage() {
  const files = useResource(() => api.listFiles({ limit: 200 }), [], { poll: (page) => page.items.some((file) => isBusyFile(file.status)), intervalMs: 1500 });
  const usage = useResource(() => api.myUsage(), []);
  const [category, setCategory] = useState<FileCategory>('resume');
  const [upload, setUpload] = useState<Upload | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) {
      setFileError('Choose a PDF, DOCX or TXT file.');
      input.current?.focus();
      return;
    }
    setFileError(null);
    setUpload({ name: file.name, progress: 0, state: 'uploading' });
    try {
      await api.uploadFile(file, category, {
        onProgress: ({ loaded, total }) => setUpload((current) => current && { ...current, progress: total ? (loaded / total) * 100 : 0 }),
      });
      setUpload({ name: file.name, progress: 100, state: 'done' });
      if (input.current) input.current.value = '';
      files.reload();
      usage.reload();
    } catch (error) {
      setUpload({ name: file.name, progress: 0, state: 'failed', error });
      usage.reload();
      if (error instanceof ApiError && error.field === 'file') setFileError(error.detail);
    }
  };

  const items = (files.data?.items ?? []).filter((file) => file.status !== 'deleted');
  return (
    <>
      <PageTitle title="My documents">My documents</PageTitle>
      <section className="panel" aria-labelledby="upload-title">
        <h2 id="upload-title">Upload a document</h2>
        <UsageLine usage={usage.data} label="Your storage" />
        <form className="upload-form" onSubmit={(event) => void submit(event)} noValidate>
          <SelectField label="Kind" name="category" value={category} onChange={(event) => setCategory(event.target.value as FileCategory)}>
            {CATEGORIES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <div className={`field${fileError ? ' field-invalid' : ''}`}>
            <label htmlFor="document-file">File (PDF, DOCX or TXT, up to 10 MB)</label>
            <input
              id="document-file"
              ref={input}
              type="file"
              accept={ACCEPT}
              aria-describedby={fileError ? 'document-file-error' : undefined}
              aria-invalid={fileError ? true : undefined}
            />
            {fileError && (
              <p className="field-error" id="document-file-error">
                {fileError}
              </p>
            )}
          </div>
          <button type="submit" className="button button-primary" disabled={upload?.state === 'uploading'}>
            Upload
          </button>
        </form>
        {upload && (
          <div className="upload-status" data-state={upload.state}>
            <p className="small">{upload.name}</p>
            <ProgressBar value={upload.progress} label={`Uploading ${upload.name}`} />
            {upload.state === 'done' && <Notice tone="success">Uploaded. It is being scanned; it can be used once it shows “Clean”.</Notice>}
            {upload.state === 'failed' && <ErrorMessage error={upload.error} />}
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="documents-title">
        <h2 id="documents-title">Documents</h2>
        <ErrorMessage error={files.error} />
        {files.data && items.length === 0 && <p className="empty">No documents yet. Upload your resume to apply to jobs.</p>}
        {items.length > 0 && (
          <ul className="card-list" aria-label="Documents">
            {items.map((file) => (
              <DocumentRow
                key={file.id}
                file={file}
                onChange={() => {
                  files.reload();
                  usage.reload();
                }}
              />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function DocumentRow({ file, onChange }: { file: FileObject; onChange: () => void }) {
  const [showVersions, setShowVersions] = useState(false);
  const [versions, setVersions] = useState<FileVersion[] | null>(null);
  const [dialog, setDialog] = useState<'delete' | 'erase' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [versionUpload, setVersionUpload] = useState<number | null>(null);
  const versionInput = useRef<HTMLInputElement>(null);
  const name = file.filename ?? 'Untitled';

  const toggleVersions = async () => {
    const next = !showVersions;
    setShowVersions(next);
    if (next) {
      try {
        setVersions(await api.fileVersions(file.id));
      } catch (caught) {
        setError(caught);
      }
    }
  };

  const download = async (version?: number) => {
    setError(null);
    try {
      if (file.content_type === 'text/csv') {
        // Through /content, which neutralizes formula cells: a spreadsheet opening the file never runs them.
        const url = URL.createObjectURL(await api.fileContent(file.id, undefined, version));
        startDownload(url, name);
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      } else startDownload((await api.downloadLink(file.id, version)).url);
    } catch (caught) {
      setError(caught);
    }
  };

  const remove = async (hard: boolean) => {
    setBusy(true);
    try {
      await api.deleteFile(file.id, { hard });
      setDialog(null);
      onChange();
    } catch (caught) {
      setError(caught);
      setDialog(null);
    } finally {
      setBusy(false);
    }
  };

  const uploadVersion = async (chosen: File) => {
    setError(null);
    setVersionUpload(0);
    try {
      await api.uploadVersion(file.id, chosen, { onProgress: ({ loaded, total }) => setVersionUpload(total ? (loaded / total) * 100 : 0) });
      setVersionUpload(null);
      onChange();
      if (showVersions) setVersions(await api.fileVersions(file.id));
    } catch (caught) {
      setVersionUpload(null);
      setError(caught);
    }
  };

  return (
    <li className="card document" data-file-id={file.id}>
      <div className="card-row">
        <div>
          <h3 className="card-title">{name}</h3>
          <p className="muted small">
            {file.category === 'cover_letter' ? 'Cover letter' : file.category === 'resume' ? 'Resume' : file.category} · {formatBytes(file.size)} · version{' '}
            {file.latest_version ?? file.version} · {formatDate(file.created_at)}
          </p>
        </div>
        <StatusBadge status={file.status} />
      </div>
      {(file.status === 'infected' || file.status === 'rejected') && (
        <p className="alert alert-warning small">
          {file.status === 'infected'
            ? `The antivirus found ${file.scan?.signature ?? 'malware'}: the file is quarantined.`
            : `Refused: ${file.status_reason ?? file.scan?.reason ?? 'the content checks failed'}.`}
        </p>
      )}
      {file.version !== file.latest_version && file.status === 'clean' && (
        <p className="muted small">A newer version is being checked; downloads give version {file.version} meanwhile.</p>
      )}
      <div className="actions">
        {file.status === 'clean' && (
          <button type="button" className="button button-small" onClick={() => void download()}>
            Download<span className="visually-hidden"> {name}</span>
          </button>
        )}
        <button type="button" className="button button-small" aria-expanded={showVersions} onClick={() => void toggleVersions()}>
          Versions<span className="visually-hidden"> of {name}</span>
        </button>
        <button type="button" className="button button-small" onClick={() => versionInput.current?.click()} disabled={versionUpload !== null}>
          Upload new version<span className="visually-hidden"> of {name}</span>
        </button>
        <input
          ref={versionInput}
          type="file"
          accept={ACCEPT}
          className="visually-hidden"
          tabIndex={-1}
          aria-label={`New version of ${name}`}
          onChange={(event) => {
            const chosen = event.target.files?.[0];
            event.target.value = '';
            if (chosen) void uploadVersion(chosen);
          }}
        />
        <button type="button" className="button button-small" onClick={() => setDialog('delete')}>
          Delete<span className="visually-hidden"> {name}</span>
        </button>
        <button type="button" className="button button-small button-danger" onClick={() => setDialog('erase')}>
          Erase permanently<span className="visually-hidden"> {name}</span>
        </button>
      </div>
      {versionUpload !== null && <ProgressBar value={versionUpload} label={`Uploading a new version of ${name}`} />}
      <ErrorMessage error={error} />
      {showVersions && versions && (
        <table className="table versions">
          <caption className="visually-hidden">Versions of {name}</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">File</th>
              <th scope="col">Status</th>
              <th scope="col">Uploaded</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {versions.map((version) => (
              <tr key={version.version}>
                <td>{version.version}</td>
                <td>
                  {version.filename ?? '—'} <span className="muted small">{formatBytes(version.size)}</span>
                </td>
                <td>
                  <StatusBadge status={version.status} />
                </td>
                <td>{formatDate(version.created_at)}</td>
                <td>
                  {version.status === 'clean' && (
                    <button type="button" className="button button-small" onClick={() => void download(version.version)}>
                      Download<span className="visually-hidden"> version {version.version}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ConfirmDialog
        open={dialog === 'delete'}
        title={`Delete ${name}?`}
        confirmLabel="Delete"
        busy={busy}
        onConfirm={() => void remove(false)}
        onCancel={() => setDialog(null)}
      >
        <p>The document disappears from your list and from the organizations you applied to. Its bytes are kept for a grace period, then erased.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === 'erase'}
        title={`Erase ${name} permanently?`}
        confirmLabel="Erase permanently"
        danger
        busy={busy}
        requireAcknowledge="I understand that this cannot be undone."
        onConfirm={() => void remove(true)}
        onCancel={() => setDialog(null)}
      >
        <p>
          <strong>This cannot be undone.</strong> Every version of this document is erased now, and your personal data is removed from its records.
          Organizations you applied to lose access at once. Only an anonymous record that a file existed and was erased remains in the audit trail.
        </p>
      </ConfirmDialog>
    </li>
  );
}
