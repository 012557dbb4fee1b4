import { AppError } from '../errors.ts';

/**
 * The file state machine: `pending_upload → uploaded → scanning → clean | infected | rejected`,
 * and any state → `deleted`. A scan may be retried (`scanning → scanning`, e.g. the scanner was
 * down) and a clean file may be scanned again when signatures update (`clean → scanning`).
 * `infected` and `rejected` never become clean again: a false positive is fixed by a new upload.
 */
export const FILE_STATUSES = ['pending_upload', 'uploaded', 'scanning', 'clean', 'infected', 'rejected', 'deleted'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

const NEXT: Record<FileStatus, readonly FileStatus[]> = {
  pending_upload: ['uploaded', 'deleted'],
  uploaded: ['scanning', 'deleted'],
  scanning: ['scanning', 'clean', 'infected', 'rejected', 'deleted'],
  clean: ['scanning', 'deleted'],
  infected: ['deleted'],
  rejected: ['deleted'],
  deleted: [],
};

export const isFileStatus = (value: string): value is FileStatus => (FILE_STATUSES as readonly string[]).includes(value);

export const canTransition = (from: FileStatus, to: FileStatus): boolean => NEXT[from].includes(to);

/** Throws 409 `invalid_state` (e.g. completing an upload twice). */
export function assertTransition(from: FileStatus, to: FileStatus): void {
  if (!canTransition(from, to)) throw new AppError(409, 'invalid_state', `A file that is ${from} cannot become ${to}.`);
}

export const isDownloadable = (status: FileStatus): boolean => status === 'clean';
