// Cold start of each bundled action: `node dist/index.js` in the fail-fast environment of
// docs/reference/anchor-baselines.md (runner files, no inputs) until exit. Median of N runs
// after one warm-up, min–max, peak RSS, bundle bytes and gzip -9 bytes.
// Usage: node bench/startup/run.ts [--runs 10] [--json FILE] [name…]   (bundle first: node scripts/bundle.ts)
//   --json FILE  also writes every timed run as hyperfine --export-json, which benchmark-gate
//                reads (CI gates the start-up time of every action on it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { actionNames, actionsDir, callerDir } from '../../scripts/lib/actions.ts';
import { type BenchResult, hyperfineReport } from './hyperfine.ts';

const MAX_RUNS = 1000;
const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) fail(`${name} needs a value`);
  args.splice(at, 2);
  return value;
};

function fail(message: string): never {
  console.error(`bench/startup: ${message}`);
  process.exit(2);
}

const runsText = option('--runs') ?? '10';
const runs = Number(runsText);
if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS)
  fail(`--runs must be a whole number from 1 to ${MAX_RUNS}, not '${runsText}'`);
const jsonOption = option('--json');
const jsonFile = jsonOption === undefined ? undefined : path.resolve(callerDir(process.env, process.cwd()), jsonOption);
const unknownFlag = args.find((a) => a.startsWith('--'));
if (unknownFlag) fail(`unknown option ${unknownFlag} (options: --runs N, --json FILE)`);
const known = actionNames();
const names = args.length > 0 ? args : known;
const unknownName = names.find((n) => !known.includes(n));
if (unknownName) fail(`no action named '${unknownName}' (actions: ${known.join(', ')})`);
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

interface Sample {
  ms: number;
  peakKiB: number | undefined;
}

/**
 * One cold start. An action must end in its designed fail-fast path (exit 1 with one
 * `::error::` line), or the time measured would be that of a crash.
 */
function once(label: string, script: string | undefined): Sample {
  const scratch = mkdtempSync(path.join(tmpdir(), 'sf-startup-'));
  try {
    for (const f of ['out', 'sum', 'env', 'state']) writeFileSync(path.join(scratch, f), '');
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: scratch,
      GITHUB_OUTPUT: path.join(scratch, 'out'),
      GITHUB_STEP_SUMMARY: path.join(scratch, 'sum'),
      GITHUB_ENV: path.join(scratch, 'env'),
      GITHUB_STATE: path.join(scratch, 'state'),
      RUNNER_TEMP: scratch,
      GITHUB_WORKSPACE: scratch,
    };
    const nodeArgs = script ? [script] : ['-e', '0'];
    const command = gnuTime ? gnuTime : process.execPath;
    const commandArgs = gnuTime ? ['-f', '%M', process.execPath, ...nodeArgs] : nodeArgs;
    const started = performance.now();
    const r = spawnSync(command, commandArgs, { cwd: scratch, env, encoding: 'utf8' });
    const ms = performance.now() - started;
    const expected = script ? 1 : 0;
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error::')).length;
    if (r.status !== expected || (script !== undefined && errors !== 1)) {
      fail(
        `${label} ended with exit ${r.status ?? r.signal} and ${errors} error line(s), not its fail-fast path:\n${r.stdout}${r.stderr}`,
      );
    }
    const peak = gnuTime ? Number(r.stderr.trim().split('\n').pop()) : undefined;
    return { ms, peakKiB: Number.isFinite(peak) ? peak : undefined };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function measure(label: string, script: string | undefined): BenchResult & { peakMiB: string } {
  once(label, script); // warm-up, not counted
  const samples = Array.from({ length: runs }, () => once(label, script));
  const peaks = samples.map((s) => s.peakKiB).filter((p): p is number => p !== undefined);
  return {
    name: label,
    ms: samples.map((s) => s.ms),
    peakMiB: peaks.length ? (Math.max(...peaks) / 1024).toFixed(1) : 'n/a',
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const span = (ms: readonly number[]): string =>
  `${median(ms).toFixed(0)} (${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)})`;

console.log(`node ${process.version}, ${runs} runs each after 1 warm-up; wall ms median (min–max)`);
const baseline = measure('node -e 0', undefined);
const results: BenchResult[] = [baseline];
console.log(`| action | bundle bytes | gzip -9 | wall ms | over node -e 0 | peak MiB |\n|---|---|---|---|---|---|`);
console.log(`| node -e 0 (baseline) | | | ${span(baseline.ms)} | — | ${baseline.peakMiB} |`);
for (const name of names) {
  const bundle = path.join(actionsDir, name, 'dist/index.js');
  if (!existsSync(bundle)) fail(`${name} is not bundled (run node scripts/bundle.ts ${name})`);
  const bytes = statSync(bundle).size;
  const gz = gzipSync(readFileSync(bundle), { level: 9 }).length;
  const m = measure(name, bundle);
  results.push(m);
  console.log(
    `| ${name} | ${bytes.toLocaleString('en')} | ${gz.toLocaleString('en')} | ${span(m.ms)} | +${(median(m.ms) - median(baseline.ms)).toFixed(0)} | ${m.peakMiB} |`,
  );
}
if (jsonFile) {
  mkdirSync(path.dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, `${JSON.stringify(hyperfineReport(results), null, 2)}\n`);
  console.log(`\nwrote ${jsonFile} (hyperfine JSON, ${results.length} benchmarks)`);
}
