// The project's test command: builds, type-checks and bundles every package (one turbo run, cached
// on each task's inputs), runs all vitest projects, and ends with the plain line
// `N passed, N failed[, N skipped]`. The turbo run is never narrowed: a cache hit restores (and so
// touches) a task's outputs, and ensureBundled re-bundles any dist older than a package's lib/.
// Usage: node scripts/test.ts [--changed [ref]] [vitest args…]   (e.g. --project @spikeformer-actions/core)
// --changed: only the packages changed since ref (default HEAD, uncommitted and untracked files
// included) and the packages that depend on them, plus the repository's own tests when a file
// outside packages/ and actions/ changed. Whole projects run, not single test files: end-to-end
// tests start the bundled action, so no import links them to the source they cover.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
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
const fail = (): never => {
  console.log('0 passed, 1 failed');
  process.exit(1);
};

/** Splits `--changed [ref]` / `--changed=ref` off the vitest arguments. */
function parseArgs(argv: string[]): { since: string | undefined; rest: string[] } {
  const rest = argv.filter((a, i) => !(i === 0 && a === '--'));
  const at = rest.findIndex((a) => a === '--changed' || a.startsWith('--changed='));
  if (at < 0) return { since: undefined, rest };
  const arg = rest[at] ?? '';
  if (arg.startsWith('--changed='))
    return { since: arg.slice('--changed='.length) || 'HEAD', rest: rest.toSpliced(at, 1) };
  const next = rest[at + 1];
  if (next !== undefined && !next.startsWith('-')) return { since: next, rest: rest.toSpliced(at, 2) };
  return { since: 'HEAD', rest: rest.toSpliced(at, 1) };
}

function capture(command: string, args: string[]): string {
  const r = spawnSync(command, args, { cwd: repoRoot, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    console.error(`${path.basename(command)} ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
    fail();
  }
  return r.stdout;
}

/** vitest project names to run for the changes since `since`: workspace packages by name, `repo` for the rest. */
function changedProjects(since: string): string[] {
  const listed = JSON.parse(capture(bin('turbo'), ['ls', `--filter=...[${since}]`, '--output=json'])) as {
    packages: { items: Array<{ name: string }> };
  };
  const names = listed.packages.items.map((p) => p.name);
  const files = [
    ...capture('git', ['diff', '--name-only', since, '--']).split('\n'),
    ...capture('git', ['ls-files', '--others', '--exclude-standard']).split('\n'),
  ];
  const outside = files.some((f) => f !== '' && !/^(packages|actions)\//.test(f));
  return [...names, ...(outside ? ['repo'] : [])].sort();
}

const { since, rest } = parseArgs(process.argv.slice(2));
const projects = since === undefined ? undefined : changedProjects(since);
if (projects !== undefined) {
  console.log(`changed since ${since}: ${projects.length > 0 ? projects.join(', ') : 'nothing to test'}`);
  if (projects.length === 0) {
    console.log('0 passed, 0 failed');
    process.exit(0);
  }
}

if (
  step('build, type-check and bundle (turbo)', bin('turbo'), [
    'run',
    'build',
    'typecheck',
    'bundle',
    '--output-logs=errors-only',
  ]) !== 0
)
  fail();
mkdirSync(reportDir, { recursive: true });
const selected = (projects ?? []).flatMap((p) => ['--project', p]);
// Most of the suite's time is waiting (bundled actions started as child processes, Prometheus
// scrapes, canary pauses), not computing. vitest's default is one worker per core minus one, so a
// single worker on two cores runs those waits one after another; two workers a core overlap them.
// Given on the command line: a config file's maxWorkers reaches only the projects it defines inline.
const workers = rest.some((a) => a.startsWith('--maxWorkers'))
  ? []
  : [`--maxWorkers=${Math.max(2, availableParallelism()) * 2}`];
const code = step('tests (vitest)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...workers,
  ...selected,
  ...rest,
]);
let line: string;
try {
  const r = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
  };
  const skipped = r.numPendingTests + r.numTodoTests;
  // A suite that failed to load has no failed test in it; count it so it cannot pass silently.
  const failed = r.numFailedTests + (r.numFailedTests === 0 ? r.numFailedTestSuites : 0);
  line = `${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
} catch {
  line = '0 passed, 1 failed';
}
// The whole tree under typescript-eslint and Prettier (pnpm lint), on full runs: a finding fails
// the run as one more failed check.
if (projects === undefined && rest.length === 0) {
  const lint =
    step('lint (eslint)', bin('eslint'), ['.']) === 0 &&
    step('format (prettier --check)', bin('prettier'), ['--check', '.']) === 0;
  if (!lint) line = line.replace(/(\d+) failed/, (_m, n: string) => `${Number(n) + 1} failed`);
}
console.log(line);
process.exit(code === 0 && / 0 failed/.test(line) ? 0 : 1);
