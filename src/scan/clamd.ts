import { connect, type Socket } from 'node:net';
import { DependencyUnavailable } from '../errors.ts';
import type { Scanner, ScanSubject, ScanVerdict } from './scanner.ts';

export type ClamdAddress = { host: string; port: number } | { socket: string };

/** INSTREAM chunks: large enough to keep syscalls few, small enough to keep memory flat. */
const CHUNK = 64 * 1024;

/**
 * A small clamd client for its INSTREAM protocol: the bytes stream from the blob store to clamd
 * in length-prefixed chunks (no temp file, no whole-file buffer). A file larger than clamd's
 * StreamMaxLength is `rejected` (never clean); an unreachable or silent clamd throws
 * DependencyUnavailable, so the queue retries and the file stays `scanning`.
 *
 * Written rather than taken from npm: the maintained clients either fall back silently to a local
 * binary or buffer whole files, and the protocol is a few dozen lines.
 */
export class ClamdScanner implements Scanner {
  readonly name = 'clamav';
  private readonly address: ClamdAddress;
  private readonly timeoutMs: number;
  private versionCache: { value: string; at: number } | null = null;

  constructor(options: ClamdAddress & { timeoutMs?: number }) {
    this.address = 'socket' in options ? { socket: options.socket } : { host: options.host, port: options.port };
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  async scan(subject: ScanSubject): Promise<ScanVerdict> {
    const engineVersion = await this.version();
    const reply = await this.session(async (socket) => {
      socket.write('zINSTREAM\0');
      const source = await subject.open();
      for await (const chunk of source as AsyncIterable<Buffer>) {
        for (let offset = 0; offset < chunk.length; offset += CHUNK) {
          const part = chunk.subarray(offset, offset + CHUNK);
          const header = Buffer.alloc(4);
          header.writeUInt32BE(part.length);
          // Respect backpressure: never queue more than clamd has read.
          if (!socket.write(Buffer.concat([header, part]))) await waitForDrainOrClose(socket);
          if (socket.destroyed || socket.readableEnded) {
            source.destroy();
            return;
          }
        }
      }
      socket.write(Buffer.alloc(4));
    });
    return parseReply(reply, engineVersion);
  }

  async check(): Promise<void> {
    const reply = await this.session(async (socket) => void socket.write('zPING\0'));
    if (reply !== 'PONG') throw new DependencyUnavailable('scanner', `clamd answered ${JSON.stringify(reply)} to PING`);
  }

  /** `ClamAV 1.0.7/27000/…`, cached for a minute (it changes when signatures update). */
  async version(): Promise<string> {
    if (this.versionCache && Date.now() - this.versionCache.at < 60_000) return this.versionCache.value;
    const value = await this.session(async (socket) => void socket.write('zVERSION\0'));
    this.versionCache = { value, at: Date.now() };
    return value;
  }

  /** One connection, one command: sends with `send`, resolves with clamd's NUL-terminated reply. */
  private session(send: (socket: Socket) => Promise<void>): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = 'socket' in this.address ? connect(this.address.socket) : connect(this.address.port, this.address.host);
      const chunks: Buffer[] = [];
      let settled = false;
      const fail = (message: string, cause?: unknown) => {
        if (settled) return;
        settled = true;
        socket.destroy();
        reject(new DependencyUnavailable('scanner', `clamd: ${message}`, cause));
      };
      socket.setTimeout(this.timeoutMs, () => fail(`no answer within ${this.timeoutMs} ms`));
      socket.on('error', (error) => {
        // clamd closes the connection as soon as it has decided (e.g. the size limit): keep its answer.
        if (chunks.length > 0 && !settled) {
          settled = true;
          resolve(Buffer.concat(chunks).toString('utf8').replace(/\0+$/, '').trim());
          socket.destroy();
          return;
        }
        fail(error.message, error);
      });
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('end', () => {
        if (settled) return;
        settled = true;
        socket.destroy();
        resolve(Buffer.concat(chunks).toString('utf8').replace(/\0+$/, '').trim());
      });
      socket.on('connect', () => {
        send(socket).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error), error));
      });
    });
  }
}

function waitForDrainOrClose(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      socket.off('end', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
    socket.once('end', done);
  });
}

/** `stream: OK`, `stream: <signature> FOUND`, `INSTREAM size limit exceeded. ERROR`, `<message> ERROR`. */
export function parseReply(reply: string, engineVersion: string): ScanVerdict {
  const base = { engine: 'clamav', engineVersion };
  if (reply === 'stream: OK') return { result: 'clean', ...base };
  const found = /^stream: (.+) FOUND$/.exec(reply);
  if (found) return { result: 'infected', signature: found[1]!, ...base };
  if (/size limit exceeded/i.test(reply)) {
    return { result: 'rejected', reason: 'too_large_to_scan', detail: 'The file is larger than clamd accepts (StreamMaxLength).', ...base };
  }
  throw new DependencyUnavailable('scanner', `clamd could not scan the file: ${reply || 'empty reply'}`);
}
