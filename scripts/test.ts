// The project's test command: builds and type-checks every package (turbo), bundles every
// action, runs all vitest projects, and ends with the plain line `N passed, N failed[, N skipped]`.
// Usage: node scripts/test.ts [vitest args…]   (e.g. --project @spikeformer-actions/core)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './lib/actions.ts';

const bin = (name: string): string => path.join(repoRoot, 'node_modules/.bin', name);
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', NO_COLOR: '1', FORCE_COLOR: '0' };
const reportDir = path.join(repoRoot, '.local');
const report = path.join(reportDir, 'test-report.json');
rmSync(report, { force: true });
const step = (title: string, command: string, args: string[]): number => {
  console.log(`\n▶ ${title}`);
  return spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', env }).status ?? 1;
};

if (step('build and type-check (turbo)', bin('turbo'), ['run', 'build', 'typecheck', '--output-logs=errors-only']) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
if (step('bundle actions (ncc)', process.execPath, [path.join(repoRoot, 'scripts/bundle.ts')]) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
mkdirSync(reportDir, { recursive: true });
const code = step('tests (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'))]);
let line: string;
try {
  const r = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; numFailedTestSuites: number };
  const skipped = r.numPendingTests + r.numTodoTests;
  // A suite that failed to load has no failed test in it; count it so it cannot pass silently.
  const failed = r.numFailedTests + (r.numFailedTests === 0 ? r.numFailedTestSuites : 0);
  line = `${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
} catch {
  line = '0 passed, 1 failed';
}
console.log(line);
process.exit(code === 0 && / 0 failed/.test(line) ? 0 : 1);
