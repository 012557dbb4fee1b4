import type { Readable } from 'node:stream';

/** What one scanner concluded about one file. */
export type ScanVerdict =
  | { result: 'clean'; engine: string; engineVersion?: string }
  | { result: 'infected'; engine: string; engineVersion?: string; signature: string }
  /** Refused by policy rather than by a signature: active content, bombs, wrong structure, too large to scan. */
  | { result: 'rejected'; engine: string; engineVersion?: string; reason: string; detail?: string };

export interface ScanSubject {
  /** A fresh stream of the bytes each time it is called (scanners read independently). */
  open(): Promise<Readable>;
  size: number;
  /** The type detected by magic bytes at upload: 'application/pdf', 'text/plain', … */
  contentType: string;
  category: string;
}

/**
 * The scanner port. `scan` throws a DependencyUnavailable when the engine cannot be reached:
 * the queue then retries with backoff and the file stays `scanning`.
 */
export interface Scanner {
  readonly name: string;
  scan(subject: ScanSubject): Promise<ScanVerdict>;
  /** Readiness probe; throws DependencyUnavailable('scanner', …) when down. */
  check(): Promise<void>;
}
