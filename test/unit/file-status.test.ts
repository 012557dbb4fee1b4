import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, FILE_STATUSES, isDownloadable, isFileStatus, type FileStatus } from '../../src/domain/file-status.ts';
import { AppError } from '../../src/errors.ts';

/** Every allowed move; every pair not listed is refused. */
const ALLOWED: Array<[FileStatus, FileStatus]> = [
  ['pending_upload', 'uploaded'],
  ['uploaded', 'scanning'],
  ['scanning', 'clean'],
  ['scanning', 'infected'],
  ['scanning', 'rejected'],
  ['scanning', 'scanning'],
  ['clean', 'scanning'],
  ...FILE_STATUSES.filter((s) => s !== 'deleted').map((s): [FileStatus, FileStatus] => [s, 'deleted']),
];
const allowed = new Set(ALLOWED.map(([from, to]) => `${from}→${to}`));
const ALL_PAIRS = FILE_STATUSES.flatMap((from) => FILE_STATUSES.map((to): [FileStatus, FileStatus, boolean] => [from, to, allowed.has(`${from}→${to}`)]));

describe('the file state machine', () => {
  it.each(ALL_PAIRS)('%s → %s: %s', (from, to, expected) => {
    expect(canTransition(from, to)).toBe(expected);
    if (expected) expect(() => assertTransition(from, to)).not.toThrow();
    else {
      const error = (() => {
        try {
          assertTransition(from, to);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ status: 409, code: 'invalid_state' });
    }
  });

  it.each(FILE_STATUSES.map((s) => [s, s === 'clean'] as const))('%s downloadable: %s', (status, expected) => {
    expect(isDownloadable(status)).toBe(expected);
  });

  it('recognizes statuses', () => {
    expect(isFileStatus('clean')).toBe(true);
    expect(isFileStatus('CLEAN')).toBe(false);
    expect(isFileStatus('constructor')).toBe(false);
  });
});
