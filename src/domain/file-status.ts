/**
 * The file state machine: `pending_upload → uploaded → scanning → clean | infected | rejected`,
 * and any state → `deleted`. A scan may be retried (`scanning → scanning`) and a clean file may be
 * scanned again when signatures update (`clean → scanning`).
 */
export type FileStatus = 'pending_upload' | 'uploaded' | 'scanning' | 'clean' | 'infected' | 'rejected' | 'deleted';

const NEXT: Record<FileStatus, readonly FileStatus[]> = {
  pending_upload: ['uploaded', 'deleted'],
  uploaded: ['scanning', 'deleted'],
  scanning: ['scanning', 'clean', 'infected', 'rejected', 'deleted'],
  clean: ['scanning', 'deleted'],
  infected: ['deleted'],
  rejected: ['deleted'],
  deleted: [],
};

export const canTransition = (from: FileStatus, to: FileStatus): boolean => NEXT[from].includes(to);

export const isDownloadable = (status: FileStatus): boolean => status === 'clean';
