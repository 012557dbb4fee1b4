import type { FileRow, FileVersionRow } from '../../db/schema.ts';

/** The file object of the API (`FileObject` in the OpenAPI document at /docs). */
export interface FileView {
  id: string;
  filename: string | null;
  category: string;
  content_type: string;
  size: number;
  sha256: string | null;
  status: string;
  status_reason: string | null;
  owner_id: string | null;
  org_id: string | null;
  version: number;
  latest_version: number;
  created_at: string;
  updated_at: string;
  scanned_at: string | null;
  scan: { engine: string; result: string; signature: string | null; reason: string | null } | null;
}

export function toFileView(row: FileRow): FileView {
  return {
    id: row.id,
    filename: row.filename,
    category: row.category,
    content_type: row.content_type,
    size: Number(row.size),
    sha256: row.sha256,
    status: row.status,
    status_reason: row.status_reason,
    owner_id: row.owner_id,
    org_id: row.org_id,
    version: row.version,
    latest_version: row.latest_version,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    scanned_at: row.scanned_at ? row.scanned_at.toISOString() : null,
    scan: row.scan ? { engine: row.scan.engine, result: row.scan.result, signature: row.scan.signature ?? null, reason: row.scan.reason ?? null } : null,
  };
}

export interface VersionView {
  version: number;
  filename: string | null;
  content_type: string;
  size: number | null;
  sha256: string | null;
  status: string;
  status_reason: string | null;
  created_at: string;
  scanned_at: string | null;
  scan: FileView['scan'];
}

export function toVersionView(row: FileVersionRow): VersionView {
  return {
    version: row.version,
    filename: row.filename,
    content_type: row.content_type,
    size: row.size === null ? null : Number(row.size),
    sha256: row.sha256,
    status: row.status,
    status_reason: row.status_reason,
    created_at: row.created_at.toISOString(),
    scanned_at: row.scanned_at ? row.scanned_at.toISOString() : null,
    scan: row.scan ? { engine: row.scan.engine, result: row.scan.result, signature: row.scan.signature ?? null, reason: row.scan.reason ?? null } : null,
  };
}
