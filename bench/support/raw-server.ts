// The raw baseline of the API benchmark: a bare node:http server that streams request bodies to a
// file and files to responses, and "signs" with one HMAC: the practical limit on this machine.
// Run by bench/api.ts as its own process: PORT=… DIR=… node bench/support/raw-server.ts
import { createHmac, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const dir = process.env.DIR!;
const port = Number(process.env.PORT);

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    if (request.method === 'POST' && request.url === '/sign') {
      const key = randomUUID();
      const signature = createHmac('sha256', 'raw').update(key).digest('hex');
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: `/download/${key}?signature=${signature}` }));
    } else if (request.method === 'POST' && request.url === '/upload') {
      await pipeline(request, createWriteStream(path.join(dir, randomUUID())));
      response.writeHead(201).end();
    } else if (request.method === 'GET' && request.url?.startsWith('/download/')) {
      const file = path.join(dir, path.basename(request.url));
      response.writeHead(200, { 'content-length': (await stat(file)).size });
      await pipeline(createReadStream(file), response);
    } else {
      response.writeHead(404).end();
    }
  } catch {
    if (!response.headersSent) response.writeHead(500);
    response.end();
  }
}

// The handler answers its own failures (500), so the promise it returns never rejects.
createServer((request, response) => void handle(request, response)).listen(port, '127.0.0.1', () => process.send?.('ready'));
