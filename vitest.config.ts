import { defineConfig } from 'vitest/config';

/**
 * Four projects:
 * - unit: pure modules, no I/O.
 * - infra: adapters and lifecycles that manage their own real servers (blob stores against local
 *   disk and s3rver, the embedded PostgreSQL, the queue, clamd).
 * - api:embedded-local and api:system-s3: the same HTTP integration suite through the real server,
 *   once on the embedded PostgreSQL with local disk, once on the system PostgreSQL with S3 (s3rver).
 */
const integration = {
  include: ['test/integration/**/*.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    // CI sets VITAE_TEST_REPORTS to a directory: a JSON report for .ci/summarize.ts goes there too
    // (`npm test` also runs the browser tests, so the reporters cannot be passed on its command line).
    reporters: process.env.VITAE_TEST_REPORTS ? ['default', 'json'] : ['default'],
    ...(process.env.VITAE_TEST_REPORTS ? { outputFile: { json: `${process.env.VITAE_TEST_REPORTS}/vitest.json` } } : {}),
    projects: [
      // Timeouts only end a hung test: on 2 cores shared with the other projects, building a 200 MB zip
      // bomb or hashing a password can take longer than Vitest's default 5 s.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 60_000 } },
      // The infra suites start Vitae as `npm start` does (bin/vitae.js): the server is compiled first,
      // so that they run the JavaScript that ships, not the TypeScript sources.
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          globalSetup: ['test/helpers/global-build.ts'],
        },
      },
      {
        test: {
          name: 'api:embedded-local',
          ...integration,
          env: { VITAE_TEST_DB: 'embedded', VITAE_TEST_STORAGE: 'local' },
          globalSetup: ['test/helpers/global-embedded-pg.ts', 'test/helpers/global-clamd.ts'],
        },
      },
      {
        test: {
          name: 'api:system-s3',
          ...integration,
          env: { VITAE_TEST_DB: 'system', VITAE_TEST_STORAGE: 's3' },
          globalSetup: ['test/helpers/global-s3rver.ts', 'test/helpers/global-clamd.ts'],
        },
      },
    ],
  },
});
