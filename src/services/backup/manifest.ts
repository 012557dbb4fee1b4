import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TableRef } from '../../db/table-copy.ts';
import type { Secrets } from '../../secrets.ts';

/**
 * The layout of a backup directory:
 *
 *   manifest.json                 written last: a directory without it is an unfinished backup
 *   tables/<schema>.<table>.gz    each table's rows in COPY text format, gzipped
 *   blobs.jsonl                   one line per blob: {"key", "size", "sha256"}
 *   blobs/<key>                   the blobs themselves (local store, or S3 with --copy-blobs)
 */
export const MANIFEST_FILE = 'manifest.json';
export const BLOB_INDEX_FILE = 'blobs.jsonl';
export const BLOBS_DIR = 'blobs';
const FORMAT = 'vitae-backup';
const FORMAT_VERSION = 1;

export interface FileDigest {
  size: number;
  sha256: string;
}

export interface TableEntry extends TableRef, FileDigest {}

export interface BlobIndexLine {
  key: string;
  size: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof FORMAT;
  formatVersion: typeof FORMAT_VERSION;
  createdAt: string;
  versions: {
    vitae: string;
    /** The last migration applied to the database: a restore migrates a fresh database to it, then loads the rows. */
    migration: string;
    postgres: string;
  };
  /**
   * Fingerprints of the secrets the backed-up deployment ran with (not the secrets: the backup
   * holds none), so that a restore can say which ones the target lacks.
   */
  secrets: Record<keyof Secrets, string>;
  /** In load order (parents before children). */
  tables: TableEntry[];
  blobs: {
    driver: 'local' | 's3';
    /** False for an S3 backup without --copy-blobs: the index lists what the bucket must still hold. */
    copied: boolean;
    count: number;
    bytes: number;
    index: FileDigest;
  };
}

export const vitaeVersion: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export function newManifest(fields: Omit<BackupManifest, 'format' | 'formatVersion'>): BackupManifest {
  return { format: FORMAT, formatVersion: FORMAT_VERSION, ...fields };
}

/** An HMAC of a constant under the secret: equal for equal secrets, and no way back to the secret. */
export function secretFingerprints(secrets: Secrets): Record<keyof Secrets, string> {
  const fingerprint = (secret: string) => createHmac('sha256', secret).update('vitae backup: secret fingerprint').digest('hex').slice(0, 16);
  return {
    jwtSecret: fingerprint(secrets.jwtSecret),
    urlSigningSecret: fingerprint(secrets.urlSigningSecret),
    webhookSecretsKey: fingerprint(secrets.webhookSecretsKey),
  };
}

/** What differs between the secrets of the backup and those of the target, and what that costs. */
export function secretMismatches(manifest: BackupManifest, target: Secrets): string[] {
  const ours = secretFingerprints(target);
  const consequences: Record<keyof Secrets, string> = {
    jwtSecret: 'JWT_SECRET differs: everyone signs in again',
    urlSigningSecret: 'URL_SIGNING_SECRET differs: pre-signed URLs handed out before the backup no longer work',
    webhookSecretsKey: "WEBHOOK_SECRETS_KEY differs: the webhooks' signing secrets cannot be decrypted; set the old key, or rotate each webhook's secret",
  };
  return (Object.keys(consequences) as Array<keyof Secrets>).filter((name) => manifest.secrets?.[name] !== ours[name]).map((name) => consequences[name]);
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** A table's file, from its name: never a path read from the manifest, which could point anywhere. */
export function tableFile(directory: string, table: Pick<TableRef, 'schema' | 'name'>): string {
  if (!IDENTIFIER.test(table.schema) || !IDENTIFIER.test(table.name)) throw new InvalidBackup(`unexpected table name ${table.schema}.${table.name}`);
  return path.join(directory, 'tables', `${table.schema}.${table.name}.gz`);
}

export class InvalidBackup extends Error {
  constructor(problem: string) {
    super(`Not a usable Vitae backup: ${problem}`);
    this.name = 'InvalidBackup';
  }
}

export async function readManifest(directory: string): Promise<BackupManifest> {
  // Read as unknown until its format and version say it is a manifest this code knows.
  let manifest: { format?: unknown; formatVersion?: unknown };
  try {
    manifest = JSON.parse(await readFile(path.join(directory, MANIFEST_FILE), 'utf8')) as typeof manifest;
  } catch (error) {
    throw new InvalidBackup(`${path.join(directory, MANIFEST_FILE)} cannot be read (${(error as Error).message}); an interrupted backup has none`);
  }
  if (manifest.format !== FORMAT) throw new InvalidBackup('manifest.json is not a Vitae backup manifest');
  if (manifest.formatVersion !== FORMAT_VERSION)
    throw new InvalidBackup(`format version ${String(manifest.formatVersion)} is not one this Vitae reads (${FORMAT_VERSION})`);
  return manifest as BackupManifest;
}
