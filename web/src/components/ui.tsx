import { useEffect, useId, useRef, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { ApiError, type Usage } from '../api/client.ts';
import { hasNavigated } from '../router.tsx';

/** Label, control, hint and error wired together (aria-describedby, aria-invalid). */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string | null | undefined;
  hint?: string;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(describedBy ? { 'aria-describedby': describedBy } : {}), ...(error ? { 'aria-invalid': true } : {}) })}
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

export function TextField({
  label,
  error,
  hint,
  ...input
}: { label: string; error?: string | null | undefined; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Field label={label} error={error} {...(hint ? { hint } : {})}>
      {(props) => <input {...input} {...props} />}
    </Field>
  );
}

export function TextArea({
  label,
  error,
  hint,
  ...input
}: { label: string; error?: string | null | undefined; hint?: string } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <Field label={label} error={error} {...(hint ? { hint } : {})}>
      {(props) => <textarea {...input} {...props} />}
    </Field>
  );
}

export function SelectField({
  label,
  error,
  hint,
  children,
  ...input
}: { label: string; error?: string | null | undefined; hint?: string; children: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Field label={label} error={error} {...(hint ? { hint } : {})}>
      {(props) => (
        <select {...input} {...props}>
          {children}
        </select>
      )}
    </Field>
  );
}

/** An API failure, with what the API said and the request id to quote to an operator. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : null;
  const message = apiError ? apiError.detail : error instanceof Error ? error.message : typeof error === 'string' ? error : 'Something went wrong.';
  return (
    <div className="alert alert-error" role="alert">
      <p>{message}</p>
      {apiError?.requestId && <p className="muted small">Request id: {apiError.requestId}</p>}
    </div>
  );
}

export function Notice({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'success' | 'warning' }) {
  return (
    <div className={`alert alert-${tone}`} role="status">
      {children}
    </div>
  );
}

const STATUS_LABELS: Record<string, { label: string; tone: string }> = {
  pending_upload: { label: 'Uploading', tone: 'pending' },
  uploaded: { label: 'Queued for scan', tone: 'pending' },
  scanning: { label: 'Scanning', tone: 'pending' },
  clean: { label: 'Clean', tone: 'ok' },
  infected: { label: 'Infected — blocked', tone: 'danger' },
  rejected: { label: 'Rejected', tone: 'danger' },
  deleted: { label: 'Deleted', tone: 'muted' },
  pending: { label: 'Waiting for scan', tone: 'pending' },
  parsing: { label: 'Parsing', tone: 'pending' },
  scored: { label: 'Scored', tone: 'ok' },
  failed: { label: 'Failed', tone: 'danger' },
  open: { label: 'Open', tone: 'ok' },
  closed: { label: 'Closed', tone: 'muted' },
};

const REASONS: Record<string, string> = {
  file_infected: 'Infected — blocked',
  file_rejected: 'Rejected by the content checks',
};

/** A status in words (never colour alone). `busy` statuses show a spinner. */
export function StatusBadge({ status, reason }: { status: string; reason?: string | null }) {
  const known = STATUS_LABELS[status] ?? { label: status, tone: 'muted' };
  const label = reason && REASONS[reason] ? REASONS[reason] : known.label;
  const tone = reason && REASONS[reason] ? 'danger' : known.tone;
  return (
    <span className={`badge badge-${tone}`} data-status={status} {...(reason ? { title: reason } : {})}>
      {tone === 'pending' && <span className="spinner" aria-hidden="true" />}
      {label}
    </span>
  );
}

export function isBusyFile(status: string): boolean {
  return status === 'pending_upload' || status === 'uploaded' || status === 'scanning';
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  const percent = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className="progress">
      <progress max={100} value={percent} aria-label={label} />
      <span className="progress-value" aria-hidden="true">
        {percent}%
      </span>
    </div>
  );
}

/** A modal confirmation (native <dialog>: focus trapped, Escape cancels). */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger = false,
  busy = false,
  requireAcknowledge,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  /** A checkbox the person must tick first (irreversible actions). */
  requireAcknowledge?: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [acknowledged, setAcknowledged] = useState(false);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setAcknowledged(false);
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div className="dialog-body">{children}</div>
      {requireAcknowledge && (
        <label className="checkbox">
          <input type="checkbox" checked={acknowledged} onChange={(event) => setAcknowledged(event.target.checked)} />
          {requireAcknowledge}
        </label>
      )}
      <div className="actions">
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          className={`button ${danger ? 'button-danger' : 'button-primary'}`}
          onClick={onConfirm}
          disabled={busy || (requireAcknowledge !== undefined && !acknowledged)}
        >
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

/** Page heading that takes focus on navigation (screen readers announce the new page). */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Vitae`;
    // After an in-app navigation (not on the first load) the new page's heading takes focus.
    if (hasNavigated() && (document.activeElement === document.body || document.activeElement?.closest('nav, .auth-switch, .breadcrumb')))
      ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** One line of quota usage: bytes stored and uploads this hour, each against its limit when there is one. */
export function UsageLine({ usage, label }: { usage: Usage | null; label: string }) {
  if (!usage) return null;
  const { storage, uploads } = usage;
  const stored =
    storage.limit_bytes === null
      ? `${formatBytes(storage.used_bytes)} stored`
      : `${formatBytes(storage.used_bytes)} of ${formatBytes(storage.limit_bytes)} stored`;
  const hourly = uploads.limit_per_hour === null ? 'uploads not limited' : `${uploads.used ?? 0} of ${uploads.limit_per_hour} uploads this hour`;
  return (
    <p className="usage-line small">
      <strong>{label}:</strong> {stored} · {hourly}
    </p>
  );
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export function formatDate(iso: string | null | undefined): string {
  return iso ? dateFormat.format(new Date(iso)) : '—';
}

/** Loads data, re-runs on `deps`, and polls every `intervalMs` while `poll(data)` is true. */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[], options: { poll?: (data: T) => boolean; intervalMs?: number } = {}) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const pollRef = useRef(options.poll);
  pollRef.current = options.poll;
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const result = await load(controller.signal);
        if (controller.signal.aborted) return;
        setData(result);
        setError(null);
        if (pollRef.current?.(result)) timer = setTimeout(() => void run(), options.intervalMs ?? 1500);
      } catch (caught) {
        if (controller.signal.aborted || (caught as Error)?.name === 'AbortError') return;
        setError(caught);
      } finally {
        if (!controller.signal.aborted) setLoading(false);
      }
    };
    setLoading(true);
    void run();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `deps` is the caller's list of what `load` reads, as with useEffect itself
  }, [...deps, version]);
  return { data, error, loading, reload: () => setVersion((value) => value + 1), setData };
}

/** Triggers a browser download of a URL (a pre-signed link answers with Content-Disposition: attachment). */
export function startDownload(url: string, filename?: string): void {
  const anchor = document.createElement('a');
  anchor.href = url;
  if (filename) anchor.download = filename;
  anchor.rel = 'noopener';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
}
