import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webPlugin } from '../../src/http/plugins/web.ts';
import { notFoundHandler } from '../../src/http/problems.ts';

/** The built web app served at `/` with an SPA fallback that leaves the server's own paths alone. */
describe('web app serving', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vitae-web-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Vitae</title><div id="root"></div>');
    await writeFile(path.join(dir, 'assets', 'index-abc123.js'), `console.log(${JSON.stringify('x'.repeat(2000))});`);
    await writeFile(path.join(dir, 'assets', 'index-abc123.js.br'), 'brotli bytes');
    app = Fastify();
    app.setNotFoundHandler(notFoundHandler);
    app.get('/api/v1/jobs', async () => ({ items: [] }));
    await app.register(webPlugin, { root: dir });
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and at any app path, never cached, with a content security policy', async () => {
    for (const url of ['/', '/jobs/0190c6a2-0000-7000-8000-000000000000', '/documents?x=1']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toMatch(/text\/html/);
      expect(response.body).toContain('<div id="root">');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });

  it('serves hashed assets for a year, pre-compressed when the client accepts it', async () => {
    const plain = await app.inject({ url: '/assets/index-abc123.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.body).toContain('console.log');
    const brotli = await app.inject({ url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'br, gzip' } });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.body).toBe('brotli bytes');
  });

  it("leaves the server's paths and missing files to the API's 404 problem", async () => {
    expect((await app.inject({ url: '/api/v1/jobs' })).json()).toEqual({ items: [] });
    for (const url of ['/api/v1/nothing', '/api', '/blobs/key', '/metrics/x', '/assets/missing.js', '/favicon.ico']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/application\/problem\+json/);
      expect(response.json()).toMatchObject({ code: 'route_not_found' });
    }
    expect((await app.inject({ method: 'POST', url: '/jobs' })).statusCode).toBe(404);
  });

  it('lets the page connect to this server only, and to the origin of pre-signed URLs when that is another one', async () => {
    const connectSrc = (policy: string | undefined) => policy?.split('; ').find((directive) => directive.startsWith('connect-src'));
    expect(connectSrc((await app.inject({ url: '/' })).headers['content-security-policy'] as string)).toBe("connect-src 'self'");
    const withBucket = Fastify({ logger: false });
    await withBucket.register(webPlugin, { root: dir, connectSources: ['https://s3.eu-west-1.example.test'] });
    expect(connectSrc((await withBucket.inject({ url: '/documents' })).headers['content-security-policy'] as string)).toBe(
      "connect-src 'self' https://s3.eu-west-1.example.test",
    );
    await withBucket.close();
  });

  it('starts without a build, and then serves nothing at /', async () => {
    const bare = Fastify({ logger: false });
    bare.setNotFoundHandler(notFoundHandler);
    await bare.register(webPlugin, { root: path.join(dir, 'missing') });
    expect((await bare.inject({ url: '/' })).statusCode).toBe(404);
    await bare.close();
  });
});
