import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { DependencyUnavailable, StorageUnavailable } from '../../src/errors.ts';
import { ClamdScanner, parseReply } from '../../src/scan/clamd.ts';
import type { ScanSubject } from '../../src/scan/scanner.ts';
import { freePort, startClamd, type RunningClamd } from '../helpers/clamd.ts';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const EICAR_NAME = /^Vitae\.Test\.EICAR(\.File)?\.UNOFFICIAL$/;
const TESTFILES = '/usr/share/clamav-testfiles';

function subject(bytes: Buffer, chunkSize = 256 * 1024): ScanSubject {
  return {
    size: bytes.length,
    contentType: 'application/octet-stream',
    category: 'resume',
    open: async () =>
      Readable.from(
        (function* () {
          for (let offset = 0; offset < bytes.length; offset += chunkSize) yield bytes.subarray(offset, offset + chunkSize);
        })(),
      ),
  };
}

function zipOf(entries: Array<{ name: string; bytes: Buffer | string }>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(Buffer.from(entry.bytes), entry.name);
  zip.end();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** Plain text: compressible, signature-free. */
function cleanText(size: number): Buffer {
  const line = Buffer.from('Ada Lovelace — analytical engines, Bernoulli numbers, notes on the engine. ');
  const out = Buffer.alloc(size);
  for (let offset = 0; offset < size; offset += line.length) line.copy(out, offset);
  return out;
}

let clamd: RunningClamd;
let scanner: ClamdScanner;

beforeAll(async () => {
  clamd = await startClamd();
  scanner = new ClamdScanner({ host: clamd.host, port: clamd.port, timeoutMs: 30_000 });
});
afterAll(async () => {
  await clamd?.stop();
});

describe('ClamdScanner against a real clamd with the test signatures', () => {
  it('answers PING and names its version', async () => {
    await scanner.check();
    expect(await scanner.version()).toMatch(/^ClamAV \d+\.\d+/);
  });

  it('finds EICAR as plain bytes, with the .UNOFFICIAL suffix of a local signature', async () => {
    const verdict = await scanner.scan(subject(Buffer.from(EICAR)));
    expect(verdict).toMatchObject({ result: 'infected', engine: 'clamav' });
    expect(verdict.result === 'infected' && verdict.signature).toMatch(EICAR_NAME);
    expect(verdict.engineVersion).toMatch(/^ClamAV /);
  });

  it('finds EICAR in a TXT resume, in a ZIP, in a nested ZIP, and in a DOCX', async () => {
    const resume = Buffer.from(`Ada Lovelace\nAnalytical engines\n${EICAR}\n`);
    const zip = await zipOf([{ name: 'cv.txt', bytes: resume }]);
    const nested = await zipOf([{ name: 'inner.zip', bytes: await zipOf([{ name: 'deeper.zip', bytes: zip }]) }]);
    const docx = await zipOf([
      { name: '[Content_Types].xml', bytes: '<Types/>' },
      { name: 'word/document.xml', bytes: '<w:document/>' },
      { name: 'word/media/payload.txt', bytes: EICAR },
    ]);
    for (const bytes of [resume, zip, nested, docx]) {
      const verdict = await scanner.scan(subject(bytes));
      expect(verdict.result === 'infected' && verdict.signature).toMatch(EICAR_NAME);
    }
  });

  it('streams in 64 KiB frames whatever the source chunks: one byte at a time, or 5 MB at once', async () => {
    const text = Buffer.concat([cleanText(3 * 1024 * 1024), Buffer.from(EICAR), cleanText(2 * 1024 * 1024)]);
    // A signature that straddles frames is still found: clamd reassembles the stream.
    expect((await scanner.scan(subject(text, 5 * 1024 * 1024))).result).toBe('infected');
    expect((await scanner.scan(subject(Buffer.from(`hello ${EICAR}`), 1))).result).toBe('infected');
  });

  const formats = readdirSync(TESTFILES).filter((name) => name.startsWith('clam'));
  it('knows the clamav-testfiles corpus is there', () => {
    expect(formats.length).toBeGreaterThanOrEqual(40);
  });
  it.each(formats)('finds the harmless clam.exe inside %s (ClamAV unpacks it)', async (name) => {
    const verdict = await scanner.scan(subject(await readFile(`${TESTFILES}/${name}`)));
    expect(verdict).toMatchObject({ result: 'infected', signature: 'Vitae.Test.ClamExe.UNOFFICIAL' });
  });

  it('says clean to a clean file (1 MB of text and 1 MB of random bytes)', async () => {
    expect(await scanner.scan(subject(cleanText(1024 * 1024)))).toMatchObject({ result: 'clean', engine: 'clamav' });
    expect((await scanner.scan(subject(randomBytes(1024 * 1024)))).result).toBe('clean');
    expect((await scanner.scan(subject(Buffer.alloc(0)))).result).toBe('clean');
  });

  it('talks to clamd over its unix socket too', async () => {
    const local = new ClamdScanner({ socket: clamd.socket, timeoutMs: 10_000 });
    await local.check();
    expect((await local.scan(subject(Buffer.from(EICAR)))).result).toBe('infected');
  });

  it('scans 50 files at once without an error', async () => {
    const verdicts = await Promise.all(
      Array.from({ length: 50 }, (_, i) => scanner.scan(subject(i % 10 === 0 ? Buffer.from(EICAR) : cleanText(64 * 1024 + i)))),
    );
    expect(verdicts.filter((verdict) => verdict.result === 'infected')).toHaveLength(5);
    expect(verdicts.filter((verdict) => verdict.result === 'clean')).toHaveLength(45);
  });

  it('passes on an error of the byte source as it is (a storage outage is not a scanner outage)', async () => {
    const failing: ScanSubject = {
      ...subject(Buffer.alloc(0)),
      open: async () =>
        Readable.from(
          (async function* () {
            yield cleanText(100_000);
            throw new StorageUnavailable('the blob store went away');
          })(),
        ),
    };
    await expect(scanner.scan(failing)).rejects.toBeInstanceOf(StorageUnavailable);
    await scanner.check(); // clamd is fine afterwards
  });
});

describe('a file larger than StreamMaxLength', () => {
  let small: RunningClamd;
  beforeAll(async () => {
    small = await startClamd({ streamMaxLength: '1M' });
  });
  afterAll(async () => {
    await small?.stop();
  });

  it('is rejected as too large to scan, never clean', async () => {
    const limited = new ClamdScanner({ host: small.host, port: small.port, timeoutMs: 10_000 });
    const verdict = await limited.scan(subject(cleanText(3 * 1024 * 1024)));
    expect(verdict).toMatchObject({ result: 'rejected', reason: 'too_large_to_scan', engine: 'clamav' });
    // just under the limit is scanned
    expect((await limited.scan(subject(cleanText(1024 * 1024 - 100)))).result).toBe('clean');
  });
});

describe('an unavailable clamd is a DependencyUnavailable (the queue retries; the file stays scanning)', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function fakeClamd(onConnection: (socket: Socket) => void): Promise<number> {
    const server = createServer((socket) => {
      sockets.push(socket);
      onConnection(socket);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }

  it('when clamd is stopped', async () => {
    const doomed = await startClamd();
    const client = new ClamdScanner({ host: doomed.host, port: doomed.port, timeoutMs: 5_000 });
    await client.check();
    await doomed.stop();
    await expect(client.check()).rejects.toBeInstanceOf(DependencyUnavailable);
    const error = await new ClamdScanner({ host: doomed.host, port: doomed.port }).scan(subject(Buffer.from('x'))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DependencyUnavailable);
    expect((error as DependencyUnavailable).dependency).toBe('scanner');
    expect((error as DependencyUnavailable).status).toBe(503);
  });

  it('when nothing listens (connection refused) or the socket path does not exist', async () => {
    const port = await freePort();
    await expect(new ClamdScanner({ host: '127.0.0.1', port }).scan(subject(Buffer.from('x')))).rejects.toBeInstanceOf(DependencyUnavailable);
    await expect(new ClamdScanner({ socket: '/nonexistent/clamd.sock' }).check()).rejects.toBeInstanceOf(DependencyUnavailable);
  });

  it('when a server accepts and never answers: the idle timeout fires', async () => {
    const port = await fakeClamd((socket) => socket.resume());
    const hung = new ClamdScanner({ host: '127.0.0.1', port, timeoutMs: 300 });
    const started = Date.now();
    await expect(hung.check()).rejects.toThrow(/no answer within 300 ms/);
    await expect(hung.scan(subject(cleanText(10_000)))).rejects.toBeInstanceOf(DependencyUnavailable);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('when a server stops reading mid-stream (backpressure, then silence)', async () => {
    let version = true;
    const port = await fakeClamd((socket) => {
      socket.once('data', () => {
        if (version) {
          version = false;
          socket.end('ClamAV 9.9.9/1/test\0');
        } else socket.pause(); // never reads the INSTREAM body
      });
    });
    const stuck = new ClamdScanner({ host: '127.0.0.1', port, timeoutMs: 400 });
    await expect(stuck.scan(subject(cleanText(20 * 1024 * 1024)))).rejects.toBeInstanceOf(DependencyUnavailable);
  });

  it('when the connection closes without an answer, or clamd answers an ERROR', async () => {
    const closing = await fakeClamd((socket) => socket.once('data', () => socket.destroy()));
    await expect(new ClamdScanner({ host: '127.0.0.1', port: closing }).check()).rejects.toBeInstanceOf(DependencyUnavailable);
    const failing = await fakeClamd((socket) =>
      socket.once('data', (data: Buffer) => socket.end(data.includes('VERSION') ? 'ClamAV 9.9.9\0' : "Can't allocate memory ERROR\0")),
    );
    await expect(new ClamdScanner({ host: '127.0.0.1', port: failing }).scan(subject(Buffer.from('x')))).rejects.toThrow(/allocate memory/);
  });

  it('parses the replies of the protocol', () => {
    expect(parseReply('stream: OK', 'v')).toEqual({ result: 'clean', engine: 'clamav', engineVersion: 'v' });
    expect(parseReply('stream: Win.Test.EICAR_HDB-1 FOUND')).toMatchObject({ result: 'infected', signature: 'Win.Test.EICAR_HDB-1' });
    expect(parseReply('INSTREAM size limit exceeded. ERROR')).toMatchObject({ result: 'rejected', reason: 'too_large_to_scan' });
    expect(() => parseReply('stream: Something ERROR')).toThrow(DependencyUnavailable);
    expect(() => parseReply('')).toThrow(DependencyUnavailable);
  });
});
