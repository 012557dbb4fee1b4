// ESLint for Vitae: typescript-eslint's type-checked rules over the server, the tests, the benchmarks
// and the web app. `npm run lint` runs it from the repository root. It lives in its own package because
// typescript-eslint needs TypeScript's JavaScript API (5.x/6.0), which the project's TypeScript 7
// compiler no longer ships (CONTRIBUTING.md, "Lint").
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // web/src/api/types.ts is generated (`npm run gen:types`), dist/ is compiled (`npm run build:server`).
  globalIgnores(['**/node_modules/', 'dist/', 'web/dist/', 'data/', 'coverage/', 'test-results/', 'tools/', 'probe.mts', 'web/src/api/types.ts']),
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['.ci/*.ts'] },
        tsconfigRootDir: new URL('../..', import.meta.url).pathname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Fastify plugins and hooks, and the BlobStore and Scanner ports, are Promise-returning
      // interfaces: an `async` implementation without `await` is how they are written, and it turns a
      // synchronous throw into a rejection the caller handles.
      '@typescript-eslint/require-await': 'off',
      // Control characters are matched on purpose: filenames, tokens and extracted text are cleaned of them.
      'no-control-regex': 'off',
      // A leading underscore marks what destructuring leaves out (`const { secret: _, ...rest }`) or an
      // argument an interface requires but this implementation does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // The server builds its route schemas with src/http/schemas/json-schema.ts: TypeBox's types only,
    // never its code, which costs the process about 8 MB (bench/README.md, "Memory").
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'typebox', allowTypeImports: true, message: 'Build schemas with src/http/schemas/json-schema.ts; import only types from typebox.' }],
          patterns: [{ group: ['typebox/*'], allowTypeImports: true, message: 'TypeBox is not loaded at run time: import only types from it.' }],
        },
      ],
    },
  },
  {
    // Migrations must not depend on today's table types (src/db/schema.ts): a migration is written once
    // against the schema of its day, so it takes an untyped Kysely, as Kysely's own guide does.
    files: ['src/db/migrations/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The HTTP tests read response bodies as untyped JSON and check their shape with `expect`: typing
    // every body would restate the API's schemas in the tests.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['web/src/**/*.tsx', 'web/src/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
);
