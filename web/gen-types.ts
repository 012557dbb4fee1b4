// Writes web/src/api/types.ts from the server's OpenAPI document (`npm run gen:types`), so that the
// web app's view of the API is the server's own. `--check` (`npm run check:types`, run by CI)
// writes nothing and fails when the committed file differs from a fresh generation.
// openapi-typescript 6: version 7 prints through TypeScript 5's compiler API, which the project's
// TypeScript 7 no longer ships.
import { readFile, writeFile } from 'node:fs/promises';
import openapiTS, { type OpenAPI3 } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { openApiDocument } from '../src/http/openapi-document.ts';

const target = new URL('./src/api/types.ts', import.meta.url);
const header = '// Generated from the server’s OpenAPI document by `npm run gen:types`; do not edit.\n\n';

const document = await openApiDocument();
const generated = await openapiTS(document as OpenAPI3, {
  // openapi-typescript 6 writes `enum: [null]` (a null the server does not coerce from 0 or '') as ''.
  transform: (schema) => (Array.isArray(schema.enum) && schema.enum.length === 1 && schema.enum[0] === null ? 'null' : undefined),
});
const prettierOptions = (await resolveConfig(target)) ?? {};
const text = await format(header + generated, { ...prettierOptions, filepath: target.pathname });

if (process.argv.includes('--check')) {
  const committed = await readFile(target, 'utf8').catch(() => '');
  if (committed !== text) {
    console.error('web/src/api/types.ts differs from the OpenAPI document: run `npm run gen:types` and commit the result.');
    process.exit(1);
  }
  console.log('web/src/api/types.ts matches the OpenAPI document.');
} else {
  await writeFile(target, text);
  console.log('wrote web/src/api/types.ts');
}
