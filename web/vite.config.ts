import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Writes .br and .gz next to each text asset: the server sends them as they are (no compression per request). */
function precompress(): Plugin {
  return {
    name: 'vitae-precompress',
    apply: 'build',
    async closeBundle() {
      const dist = path.join(root, 'dist');
      const files = (await readdir(dist, { recursive: true })).filter((file) => /\.(?:js|mjs|css|html|svg|json)$/.test(file));
      await Promise.all(
        files.map(async (file) => {
          const body = await readFile(path.join(dist, file));
          if (body.length < 1024) return;
          await writeFile(path.join(dist, `${file}.gz`), await promisify(gzip)(body, { level: 9 }));
          await writeFile(path.join(dist, `${file}.br`), await promisify(brotliCompress)(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        }),
      );
    },
  };
}

/** The web app: built into web/dist, served by the Vitae server at `/`. `npm run dev:web` proxies the API to :8080. */
export default defineConfig({
  root,
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: true,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/blobs': 'http://localhost:8080',
    },
  },
});
