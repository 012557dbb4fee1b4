import { connect, type Socket } from 'node:net';
import { AppError, DependencyUnavailable } from '../errors.ts';
import type { Scanner, ScanSubject, ScanVerdict } from './scanner.ts';

export type ClamdAddress = { host: string; port: number } | { socket: string };

export type ClamdOptions = ClamdAddress & {
  /** Idle timeout: no byte sent or received for this long (ms). clamd scanning a large archive answers late: keep it generous. */
  timeoutMs?: number;
  /** Time to establish the connection (ms). */
  connectTimeoutMs?: number;
  /** How long `version()` is cached (ms): it changes only when signatures are reloaded. */
  versionCacheMs?: number;
};

/** INSTREAM chunks: large enough to keep syscalls few, small enough to keep memory flat. */
const CHUNK = 64 * 1024;
/** Tries of one scan whose stream clamd cut off before its answer could be read (see `scan`). */
const SEND_ATTEMPTS = 3;

/**
 * A clamd client for its INSTREAM protocol: the bytes stream from the blob store to clamd in
 * length-prefixed chunks (`zINSTREAM\0`, then 4-byte big-endian lengths, then a zero length),
 * waiting for the socket to drain — no temp file, no whole-file buffer.
 *
 * - `stream: OK` → clean; `stream: <signature> FOUND` → infected;
 * - `INSTREAM size limit exceeded. ERROR` (the file is larger than clamd's StreamMaxLength) →
 *   `rejected` with reason `too_large_to_scan`, never clean;
 * - any other `… ERROR`, no answer within the timeouts, a refused or reset connection →
 *   DependencyUnavailable('scanner'): the queue retries and the file stays `scanning`.
 *
 * Written rather than taken from npm: `clamscan` (the most used client) falls back to running a
 * local binary unless told not to, wraps INSTREAM in a passthrough whose size-limit and timeout
 * outcomes are not distinguished from other errors, and carries code for modes Vitae must not
 * use (local scans, file paths); the protocol itself is a few dozen lines.
 */
export class ClamdScanner implements Scanner {
  readonly name = 'clamav';
  private readonly address: ClamdAddress;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly versionCacheMs: number;
  private versionCache: { value: Promise<string>; at: number } | null = null;

  constructor(options: ClamdOptions) {
    this.address = 'socket' in options ? { socket: options.socket } : { host: options.host, port: options.port };
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? Math.min(this.timeoutMs, 5_000);
    this.versionCacheMs = options.versionCacheMs ?? 60_000;
  }

  /** `127.0.0.1:3310` or the socket path, for logs and /readyz. */
  get target(): string {
    return 'socket' in this.address ? this.address.socket : `${this.address.host}:${this.address.port}`;
  }

  async scan(subject: ScanSubject): Promise<ScanVerdict> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.scanOnce(subject);
      } catch (error) {
        // clamd refuses a stream over its size limit by answering and closing at once; when the
        // close reaches this side's write before the answer is read, the answer is lost with the
        // socket. Another try almost always reads it; a clamd that is really gone fails each time.
        if (!(error instanceof DependencyUnavailable) || !isResetWhileSending(error) || attempt === SEND_ATTEMPTS) throw error;
      }
    }
  }

  private async scanOnce(subject: ScanSubject): Promise<ScanVerdict> {
    const engineVersion = await this.version();
    const reply = await this.command('zINSTREAM\0', async (socket, answered) => {
      const source = await subject.open();
      try {
        for await (const chunk of source as AsyncIterable<Buffer>) {
          for (let offset = 0; offset < chunk.length; offset += CHUNK) {
            // clamd answers early (size limit) and closes: stop sending. One turn of the event loop
            // before each write lets an answer that has arrived be read first; a write after clamd's
            // close would fail and take the unread answer down with the socket.
            await new Promise(setImmediate);
            if (answered() || socket.destroyed) return;
            const part = chunk.subarray(offset, offset + CHUNK);
            const header = Buffer.allocUnsafe(4);
            header.writeUInt32BE(part.length);
            socket.write(header);
            if (!socket.write(part)) await drained(socket);
          }
        }
        await new Promise(setImmediate);
        if (!answered() && !socket.destroyed) socket.write(Buffer.alloc(4));
      } finally {
        source.destroy();
      }
    });
    return parseReply(reply, engineVersion);
  }

  async check(): Promise<void> {
    const reply = await this.command('zPING\0');
    if (reply !== 'PONG') throw new DependencyUnavailable('scanner', `clamd at ${this.target} answered ${JSON.stringify(reply)} to PING`);
  }

  /** `ClamAV 1.4.6/27000/Mon Jan 1 00:00:00 2026`, cached briefly (it changes when signatures are reloaded). */
  async version(): Promise<string> {
    const now = Date.now();
    if (!this.versionCache || now - this.versionCache.at > this.versionCacheMs) {
      const value = this.command('zVERSION\0');
      this.versionCache = { value, at: now };
      value.catch(() => {
        if (this.versionCache?.value === value) this.versionCache = null;
      });
    }
    return this.versionCache.value;
  }

  /**
   * One connection, one command: writes `command`, then lets `send` stream more (INSTREAM), and
   * resolves with clamd's NUL-terminated reply. Errors of the byte source (the blob store) are
   * passed on as they are; everything that goes wrong with clamd is a DependencyUnavailable.
   */
  private command(command: string, send?: (socket: Socket, answered: () => boolean) => Promise<void>): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = 'socket' in this.address ? connect(this.address.socket) : connect(this.address.port, this.address.host);
      const chunks: Buffer[] = [];
      let settled = false;
      let connected = false;
      const reply = () =>
        Buffer.concat(chunks)
          .toString('utf8')
          .replace(/\0[\s\S]*$/, '')
          .trim();
      const finish = (error: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        socket.destroy();
        if (error) reject(error);
        else resolve(reply());
      };
      const unavailable = (message: string, cause?: unknown) => finish(new DependencyUnavailable('scanner', `clamd at ${this.target}: ${message}`, cause));
      const answered = () => chunks.some((chunk) => chunk.includes(0));

      const connectTimer = setTimeout(() => unavailable(`no connection within ${this.connectTimeoutMs} ms`), this.connectTimeoutMs);
      socket.setTimeout(this.timeoutMs, () => unavailable(`no answer within ${this.timeoutMs} ms`));
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (chunk.includes(0)) finish(null);
      });
      socket.on('end', () => (chunks.length > 0 ? finish(null) : unavailable('the connection was closed without an answer')));
      socket.on('close', () => (chunks.length > 0 ? finish(null) : unavailable('the connection was closed without an answer')));
      socket.on('error', (error) => {
        // clamd closes the connection as soon as it has decided (e.g. the size limit): keep its answer.
        if (chunks.length > 0) finish(null);
        else unavailable(connected ? error.message : `cannot connect (${error.message})`, error);
      });
      socket.on('connect', () => {
        connected = true;
        clearTimeout(connectTimer);
        socket.write(command);
        send?.(socket, answered).catch((error: unknown) => {
          if (settled) return;
          if (error instanceof AppError) finish(error);
          else if (chunks.length > 0) finish(null);
          else unavailable(error instanceof Error ? error.message : String(error), error);
        });
      });
    });
  }
}

function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
}

/** `stream: OK`, `stream: <signature> FOUND`, `INSTREAM size limit exceeded. ERROR`, `<message> ERROR`. */
export function parseReply(reply: string, engineVersion?: string): ScanVerdict {
  const base = { engine: 'clamav', ...(engineVersion ? { engineVersion } : {}) };
  const text = reply.replace(/^\d+: /, ''); // the request number of IDSESSION replies
  if (text === 'stream: OK') return { result: 'clean', ...base };
  const found = /^stream: (.+) FOUND$/.exec(text);
  if (found) return { result: 'infected', signature: found[1]!, ...base };
  if (/size limit exceeded/i.test(text)) {
    return { result: 'rejected', reason: 'too_large_to_scan', detail: 'The file is larger than clamd accepts (StreamMaxLength).', ...base };
  }
  throw new DependencyUnavailable('scanner', `clamd could not scan the file: ${text || 'empty reply'}`);
}

function isResetWhileSending(error: DependencyUnavailable): boolean {
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ECONNRESET';
}
