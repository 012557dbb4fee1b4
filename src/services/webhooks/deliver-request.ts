import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { hostOf, type ResolvedAddress } from './destination.ts';

/**
 * One POST to a webhook receiver, connected to an address that was already checked. The URL's
 * host name still goes into the Host header and TLS SNI (and the certificate is checked against
 * it), but the socket's own DNS lookup is replaced by one that answers the checked address, so
 * that nothing resolves the name a second time. Redirects are not followed: a 3xx is an answer.
 */
export function postPinned(url: URL, pinned: ResolvedAddress, request: { headers: Record<string, string>; body: string; timeoutMs: number }): Promise<number> {
  const lookupPinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as (error: null, addresses: ResolvedAddress[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const outgoing = client.request(
      {
        method: 'POST',
        host: hostOf(url),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        lookup: lookupPinned,
        // A connection of its own: a pooled socket could have been opened to another address.
        agent: false,
        signal: AbortSignal.timeout(request.timeoutMs),
      },
      (response) => {
        // Only the status matters; the body is not read, whatever its size.
        response.destroy();
        resolve(response.statusCode ?? 0);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}
