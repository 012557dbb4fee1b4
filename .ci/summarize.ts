// Prints the closing line CI reads, "N passed, N failed[, N skipped]", from Vitest's JSON report
// and, when given, Playwright's (the browser tests): `summarize.ts vitest.json [playwright.json]`.
import { readFileSync } from 'node:fs';

interface Report {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTestSuites: number;
  success: boolean;
  testResults: Array<{ status: string; message?: string; name: string }>;
}

interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  errors?: unknown[];
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function vitestCounts(report: Report): Counts {
  // A test file that failed to load counts as a failure even though none of its tests ran.
  const brokenFiles = report.testResults.filter((suite) => suite.status === 'failed' && suite.message).length;
  const failed = report.numFailedTests + brokenFiles;
  // Unhandled errors fail the run without failing a test: the closing line must say so too.
  return {
    passed: report.numPassedTests,
    failed: failed === 0 && report.success === false ? 1 : failed,
    skipped: report.numPendingTests + report.numTodoTests,
  };
}

function playwrightCounts(report: PlaywrightReport): Counts {
  // Errors outside tests (the global setup failing) leave no test result: count them as failures.
  const outside = report.errors?.length ?? 0;
  return { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected + outside, skipped: report.stats.skipped };
}

const files = process.argv.length > 2 ? process.argv.slice(2) : ['test-results/vitest.json'];
const total: Counts = { passed: 0, failed: 0, skipped: 0 };
for (const file of files) {
  let counts: Counts;
  try {
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report | PlaywrightReport;
    counts = 'stats' in report ? playwrightCounts(report) : vitestCounts(report);
  } catch {
    // A missing or unreadable report: that run failed before it could report.
    counts = { passed: 0, failed: 1, skipped: 0 };
  }
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
}
// The test command's exit status, when given: Vitest reports an unhandled error (an uncaught
// exception between tests) with success true in its JSON, and only in its exit status.
if (total.failed === 0 && Number(process.env.TEST_EXIT_STATUS ?? 0) !== 0) total.failed = 1;
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
