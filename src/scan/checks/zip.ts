/** Moved to ../active-content/zip.ts; kept for existing imports. */
export * from '../active-content/zip.ts';
