// Prints the closing line CI reads, "N passed, N failed[, N skipped]", from Vitest's JSON report.
import { readFileSync } from 'node:fs';

interface Report {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTestSuites: number;
  testResults: Array<{ status: string; message?: string; name: string }>;
}

const file = process.argv[2] ?? 'test-results/vitest.json';
let report: Report;
try {
  report = JSON.parse(readFileSync(file, 'utf8')) as Report;
} catch {
  console.log('0 passed, 1 failed');
  process.exit(0);
}
// A test file that failed to load counts as a failure even though none of its tests ran.
const brokenFiles = report.testResults.filter((suite) => suite.status === 'failed' && suite.message).length;
const failed = report.numFailedTests + brokenFiles;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
