import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';

/**
 * Passwords with node:crypto's scrypt, a random salt per user, and the parameters stored with the
 * hash (`scrypt$N$r$p$salt$hash`), so that they can be raised later: `needsRehash` tells the login
 * to upgrade an old hash.
 */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * N = 2^15, r = 8, p = 1: 32 MiB and ~50–100 ms per hash, so that a burst of logins cannot exhaust
 * memory. OWASP's floor is N = 2^17 (or 2^15 with p = 3); raise the parameters here when the
 * hardware allows: stored hashes are upgraded at their owner's next login.
 */
export const CURRENT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    // NFKC: the same password typed on another keyboard or OS (composed vs decomposed accents) must match.
    scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, { ...params, maxmem: 256 * params.N * params.r }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time comparison; false (never a throw) for a hash this module cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await scrypt(password, parsed.salt, parsed.params).catch(() => null);
  return key !== null && key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}

export function needsRehash(stored: string): boolean {
  const params = parse(stored)?.params;
  return !params || params.N !== CURRENT_PARAMS.N || params.r !== CURRENT_PARAMS.r || params.p !== CURRENT_PARAMS.p;
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | null {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split('$');
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (scheme !== 'scrypt' || !salt || !hash || rest.length > 0 || !Object.values(params).every((value) => Number.isSafeInteger(value) && value > 0))
    return null;
  return { params, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

/** A hash of nothing anyone knows, verified for unknown emails so that they take as long as wrong passwords. */
export const DUMMY_HASH_PROMISE = hashPassword(randomBytes(16).toString('hex'));
