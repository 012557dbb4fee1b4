import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DownloadGrant } from './blob-store.ts';

/** What a local pre-signed URL allows: one method on one key until a time, with fixed headers. */
export interface SignedGrant {
  /** GET: who it is for, checked again whenever the URL is used. */
  download?: DownloadGrant;
  method: 'PUT' | 'GET';
  key: string;
  /** Unix seconds. */
  expires: number;
  /** PUT: the exact body length and type the client must send. */
  contentLength?: number;
  contentType?: string;
  /** GET: what the response will say. */
  contentDisposition?: string;
}

const PARAMS = {
  expires: 'expires',
  contentLength: 'len',
  contentType: 'type',
  contentDisposition: 'disposition',
  file: 'file',
  grantee: 'grantee',
  org: 'org',
  signature: 'signature',
} as const;

/**
 * HMAC-SHA256 over every field of the grant, so that changing any of them (the key, the method,
 * the expiry, the length, the grantee) invalidates the URL.
 */
export class UrlSigner {
  private readonly secret: string;
  constructor(secret: string) {
    this.secret = secret;
  }

  sign(grant: SignedGrant): URLSearchParams {
    const params = new URLSearchParams();
    params.set(PARAMS.expires, String(grant.expires));
    if (grant.contentLength !== undefined) params.set(PARAMS.contentLength, String(grant.contentLength));
    if (grant.contentType !== undefined) params.set(PARAMS.contentType, grant.contentType);
    if (grant.contentDisposition !== undefined) params.set(PARAMS.contentDisposition, grant.contentDisposition);
    if (grant.download) {
      params.set(PARAMS.file, grant.download.fileId);
      params.set(PARAMS.grantee, grant.download.grantee);
      params.set(PARAMS.org, grant.download.orgId ?? '');
    }
    params.set(PARAMS.signature, this.mac(grant));
    return params;
  }

  /** The grant a URL carries, or why it is refused. */
  verify(
    method: string,
    key: string,
    query: URLSearchParams,
    now = Date.now(),
  ): { ok: true; grant: SignedGrant } | { ok: false; code: 'invalid_signature' | 'url_expired' } {
    const expires = Number(query.get(PARAMS.expires));
    const signature = query.get(PARAMS.signature) ?? '';
    const length = query.get(PARAMS.contentLength);
    const grant: SignedGrant = {
      method: method === 'HEAD' ? 'GET' : (method as 'PUT' | 'GET'),
      key,
      expires,
      ...(length !== null ? { contentLength: Number(length) } : {}),
      ...(query.has(PARAMS.contentType) ? { contentType: query.get(PARAMS.contentType)! } : {}),
      ...(query.has(PARAMS.contentDisposition) ? { contentDisposition: query.get(PARAMS.contentDisposition)! } : {}),
      ...(query.has(PARAMS.file)
        ? { download: { fileId: query.get(PARAMS.file)!, grantee: query.get(PARAMS.grantee) ?? '', orgId: query.get(PARAMS.org) || null } }
        : {}),
    };
    const expected = Buffer.from(this.mac(grant), 'hex');
    const given = Buffer.from(/^[0-9a-f]{64}$/.test(signature) ? signature : '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, code: 'invalid_signature' };
    if (!Number.isFinite(expires) || expires * 1000 < now) return { ok: false, code: 'url_expired' };
    return { ok: true, grant };
  }

  private mac(grant: SignedGrant): string {
    const fields: unknown[] = [
      grant.method,
      grant.key,
      grant.expires,
      grant.contentLength ?? null,
      grant.contentType ?? null,
      grant.contentDisposition ?? null,
    ];
    // Appended only when present, so that upload URLs signed before grants existed stay valid.
    if (grant.download) fields.push(grant.download.fileId, grant.download.grantee, grant.download.orgId);
    const canonical = JSON.stringify(fields);
    return createHmac('sha256', this.secret).update(canonical).digest('hex');
  }
}
