import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, register, type Session } from '../helpers/api.ts';

/**
 * Connection timeouts (small configured values, so that the server's own limits end the test) and
 * the security headers of every response.
 */
let t: TestApp;
let docsLocked: TestApp;
let user: Session;

beforeAll(async () => {
  t = await startTestApp({ env: { HTTP_HEADERS_TIMEOUT_MS: '400', HTTP_IDLE_TIMEOUT_MS: '400', HTTP_KEEP_ALIVE_TIMEOUT_MS: '400' } });
  docsLocked = await startTestApp({ env: { DOCS_ACCESS: 'authenticated' }, workers: false, antivirus: false });
  user = await register(docsLocked, { role: 'candidate' });
});
afterAll(async () => {
  await t?.close();
  await docsLocked?.close();
});

/** Opens a raw connection, runs `drive` on it, and resolves with what the server sent once it closed the connection. */
function untilServerCloses(app: TestApp, drive: (socket: Socket) => void): Promise<string> {
  const { port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect(Number(port), '127.0.0.1', () => drive(socket));
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

/** Writes one byte of `text` at a time, every `everyMs`, until the socket closes. */
function trickle(socket: Socket, text: string, everyMs: number): void {
  let sent = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || sent >= text.length) return clearInterval(timer);
    socket.write(text[sent]!);
    sent += 1;
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

describe('connection timeouts', () => {
  it('closes a connection whose headers trickle in past the headers timeout', async () => {
    // One byte every 100 ms keeps the socket busy (no idle timeout) but never completes the headers.
    const headers = `GET /healthz HTTP/1.1\r\nHost: x\r\n${'X-Slow: a\r\n'.repeat(1000)}\r\n`;
    const received = await untilServerCloses(t, (socket) => trickle(socket, headers, 100));
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes a connection that stops sending its body', async () => {
    const received = await untilServerCloses(t, (socket) => {
      socket.write(`POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":`);
    });
    expect(received).not.toMatch(/^HTTP\/1\.1 2/);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const received = await untilServerCloses(t, (socket) => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    expect(received.match(/HTTP\/1\.1/g)).toHaveLength(1);
  });
});

describe('security headers', () => {
  const expectHardened = (response: Response, where: string) => {
    expect(response.headers.get('x-content-type-options'), where).toBe('nosniff');
    expect(response.headers.get('content-security-policy'), where).toContain("frame-ancestors 'none'");
    expect(response.headers.get('referrer-policy'), where).toBeTruthy();
    expect(response.headers.get('x-frame-options'), where).toBe('DENY');
  };

  it('are on API answers, problems, the OpenAPI document and the docs', async () => {
    for (const path of ['/healthz', '/api/v1/jobs', '/api/v1/nothing', '/openapi.json', '/docs/', '/docs/static/index.html']) {
      const response = await t.fetch(path);
      expectHardened(response, path);
      await response.arrayBuffer();
    }
    const json = await t.fetch('/api/v1/jobs');
    expect(json.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

describe('DOCS_ACCESS=authenticated', () => {
  it('keeps /openapi.json and /docs to signed-in callers', async () => {
    for (const path of ['/openapi.json', '/docs/', '/docs/json']) {
      const anonymous = await docsLocked.fetch(path);
      expect(anonymous.status, path).toBe(401);
      expect((await json(anonymous)).code).toBe('unauthorized');
      const signedIn = await docsLocked.fetch(path, { headers: user.headers });
      expect(signedIn.status, path).toBe(200);
      await signedIn.arrayBuffer();
    }
  });

  it('leaves them public by default', async () => {
    expect((await t.fetch('/openapi.json')).status).toBe(200);
    expect((await t.fetch('/docs/json')).status).toBe(200);
  });
});
