import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postPinned } from '../../src/services/webhooks/deliver-request.ts';

/** `receiver.example.com` is not known to any resolver: a request that arrives connected to the pinned address. */
const servers: Array<{ close(): unknown }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function listen<T extends Server | ReturnType<typeof createTlsServer>>(server: T): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const request = { headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 5_000 };

describe('a webhook request pinned to a checked address', () => {
  it('keeps the host name for Host, and answers a redirect with its status instead of following it', async () => {
    const seen: string[] = [];
    const port = await listen(
      createHttpServer((incoming, response) => {
        seen.push(`${incoming.method} ${incoming.headers.host} ${incoming.url}`);
        response.writeHead(302, { location: `http://127.0.0.1:${(incoming.socket.address() as AddressInfo).port}/elsewhere` }).end();
      }),
    );
    const status = await postPinned(new URL(`http://receiver.example.com:${port}/hooks?x=1`), { address: '127.0.0.1', family: 4 }, request);
    expect(status).toBe(302);
    expect(seen).toEqual([`POST receiver.example.com:${port} /hooks?x=1`]);
  });

  it('sends the host name as TLS SNI', async () => {
    const names: string[] = [];
    const port = await listen(
      createTlsServer({
        SNICallback: (servername, callback) => {
          names.push(servername);
          callback(new Error('no certificate here'));
        },
      }),
    );
    await expect(postPinned(new URL(`https://receiver.example.com:${port}/hooks`), { address: '127.0.0.1', family: 4 }, request)).rejects.toThrow();
    expect(names).toEqual(['receiver.example.com']);
  });
});
