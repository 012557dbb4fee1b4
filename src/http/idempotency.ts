import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Multipart } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from './schemas/json-schema.ts';
import { badRequest } from '../errors.ts';
import { idempotencyKeyReused, type IdempotencyKeys } from '../services/idempotency.ts';
import { requireActor } from './authenticate.ts';

/** Printable ASCII without spaces, as most clients generate them (UUIDs, ULIDs, hashes). */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The request headers schema of the routes that accept the header (documented in OpenAPI). */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        'Makes a retry safe: a request with the same key, caller and body within 24 hours gets the first successful response back (with `Idempotency-Replayed: true`) instead of running again. The same key with a different request is 422 `idempotency_key_reused`; while the first one still runs, 409 `idempotency_in_progress`.',
    }),
  ),
});

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: IdempotentRequest;
  }
}

/**
 * The fingerprint of one request: method, route, caller, path and query, then the body. A JSON
 * body is hashed as parsed (key order does not matter). A multipart body is hashed part by part as
 * the route streams it, fields as name and value and files as name, filename and the SHA-256 of
 * their bytes: the boundary, which every client draws at random per request, does not count, and
 * nothing is buffered. So the fingerprint of an upload is known only once its body has been read.
 */
export class IdempotentRequest {
  readonly scope: string;
  readonly key: string;
  settled = false;
  /** What the fingerprint covers, in request order; a file's entry is filled in once it has been read whole. */
  private readonly entries: string[] = [];
  private digestValue: string | null = null;

  constructor(scope: string, key: string, request: FastifyRequest) {
    this.scope = scope;
    this.key = key;
    this.entries.push(JSON.stringify([request.method, request.routeOptions.url, scope, canonical(request.params), canonical(request.query)]));
  }

  json(body: unknown): void {
    this.entries.push(JSON.stringify(['json', canonical(body ?? null)]));
  }

  field(name: string, value: unknown): void {
    this.entries.push(JSON.stringify(['field', name, String(value)]));
  }

  /** `source` as read by the route, hashed on the way. */
  file(name: string, filename: string, source: Readable): Readable {
    const index = this.entries.push(JSON.stringify(['file', name, filename, 'not read whole'])) - 1;
    const bytes = createHash('sha256');
    const hashed = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes.update(chunk);
        callback(null, chunk);
      },
      flush: (callback) => {
        this.entries[index] = JSON.stringify(['file', name, filename, bytes.digest('hex')]);
        callback();
      },
    });
    // A failing source (a size limit) fails `hashed`, which is what the route reads.
    pipeline(source, hashed).catch(() => {});
    return hashed;
  }

  digest(): string {
    this.digestValue ??= createHash('sha256').update(this.entries.join('\n')).digest('hex');
    return this.digestValue;
  }
}

/** The multipart parts of `request`, with file streams hashed into its idempotency fingerprint (if it has one). */
export async function* fingerprinted<P extends Multipart>(request: FastifyRequest, parts: AsyncIterable<P>): AsyncIterable<P> {
  for await (const part of parts) {
    const record = request.idempotency;
    if (!record) yield part;
    else if (part.type === 'field') {
      record.field(part.fieldname, part.value);
      yield part;
    } else {
      // The route reads the hashed stream in place of busboy's.
      yield Object.assign(part, { file: record.file(part.fieldname, part.filename, part.file) as typeof part.file });
    }
  }
}

/**
 * The hooks of a route that honours `Idempotency-Key`. `multipartLimits`: the limits the route
 * reads its parts with, for reading a retried body the same way.
 */
export function idempotent(keys: IdempotencyKeys, options: { multipartLimits?: Parameters<FastifyRequest['parts']>[0] } = {}) {
  return {
    async preHandler(request: FastifyRequest, reply: FastifyReply) {
      const key = request.headers['idempotency-key'];
      if (key === undefined) return;
      if (typeof key !== 'string' || !KEY_PATTERN.test(key))
        throw badRequest('invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 printable ASCII characters without spaces.');
      const actor = requireActor(request);
      // Per caller and organization: one tenant's keys never meet another's.
      const scope = actor.kind === 'user' ? `user:${actor.userId}:${actor.orgId ?? ''}` : `api_key:${actor.keyId}:${actor.orgId}`;
      const record = new IdempotentRequest(scope, key, request);
      const multipart = request.isMultipart();
      if (!multipart) record.json(request.body);
      const claim = await keys.claim(scope, key, multipart ? null : record.digest());
      if (claim.kind === 'claimed') {
        request.idempotency = record;
        return;
      }
      if (multipart) {
        // Only the bytes tell a retry from another upload under the same key: read them, store nothing.
        request.idempotency = record;
        for await (const part of fingerprinted(request, request.parts(options.multipartLimits))) {
          if (part.type === 'file') for await (const _chunk of part.file);
        }
        record.settled = true;
      }
      if (claim.fingerprint !== record.digest()) throw idempotencyKeyReused();
      return reply
        .code(claim.response.statusCode)
        .header('content-type', claim.response.contentType)
        .header('idempotency-replayed', 'true')
        .send(claim.response.body);
    },

    /** Stores a successful outcome; drops the claim otherwise, so that a retry runs again. */
    async onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
      const record = request.idempotency;
      if (!record || record.settled) return payload;
      record.settled = true;
      try {
        if (reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string') {
          const contentType = String(reply.getHeader('content-type') ?? 'application/json');
          await keys.complete(record.scope, record.key, record.digest(), { statusCode: reply.statusCode, contentType, body: payload });
        } else {
          await keys.release(record.scope, record.key);
        }
      } catch (error) {
        // The response itself is right: a record that could not be written only makes a retry run again (or wait for the lease).
        request.log.warn({ err: error }, 'could not record the Idempotency-Key outcome');
      }
      return payload;
    },

    /** A request that ended without a response (the client went away mid-upload) frees its key. */
    async onResponse(request: FastifyRequest) {
      const record = request.idempotency;
      if (!record || record.settled) return;
      record.settled = true;
      await keys.release(record.scope, record.key).catch(() => {});
    },
  };
}

/** Objects with their keys sorted, at every depth: a JSON body's fingerprint ignores key order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((name) => [name, canonical((value as Record<string, unknown>)[name])]),
    );
  }
  return value;
}
