// Cold start of each bundled action: `node dist/index.js` in the fail-fast environment of
// docs/reference/anchor-baselines.md (runner files, no inputs) until exit. Median of N runs
// after one warm-up, min–max, peak RSS, bundle bytes and gzip -9 bytes.
// Usage: node bench/startup/run.ts [--runs 10] [name…]     (bundle first: node scripts/bundle.ts)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { actionNames, actionsDir } from '../../scripts/lib/actions.ts';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 10;
const names = args.length > 0 ? args : actionNames();
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function once(script: string | undefined): { ms: number; peakKiB: number | undefined } {
  const scratch = mkdtempSync(path.join(tmpdir(), 'sf-startup-'));
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
  const peak = gnuTime ? Number(r.stderr.trim().split('\n').pop()) : undefined;
  return { ms, peakKiB: Number.isFinite(peak) ? peak : undefined };
}

function measure(script: string | undefined): { median: number; min: number; max: number; peakMiB: string } {
  once(script); // warm-up, not counted
  const samples = Array.from({ length: runs }, () => once(script));
  const times = samples.map((s) => s.ms).sort((a, b) => a - b);
  const mid = Math.floor(times.length / 2);
  const median = times.length % 2 ? (times[mid] ?? 0) : ((times[mid - 1] ?? 0) + (times[mid] ?? 0)) / 2;
  const peaks = samples.map((s) => s.peakKiB).filter((p): p is number => p !== undefined);
  return { median, min: times[0] ?? 0, max: times.at(-1) ?? 0, peakMiB: peaks.length ? (Math.max(...peaks) / 1024).toFixed(1) : 'n/a' };
}

console.log(`node ${process.version}, ${runs} runs each after 1 warm-up; wall ms median (min–max)`);
const baseline = measure(undefined);
console.log(`| action | bundle bytes | gzip -9 | wall ms | over node -e 0 | peak MiB |\n|---|---|---|---|---|---|`);
console.log(`| node -e 0 (baseline) | | | ${baseline.median.toFixed(0)} (${baseline.min.toFixed(0)}–${baseline.max.toFixed(0)}) | — | ${baseline.peakMiB} |`);
for (const name of names) {
  const bundle = path.join(actionsDir, name, 'dist/index.js');
  if (!existsSync(bundle)) {
    console.log(`| ${name} | not bundled (run node scripts/bundle.ts ${name}) | | | | |`);
    continue;
  }
  const bytes = statSync(bundle).size;
  const gz = gzipSync(readFileSync(bundle), { level: 9 }).length;
  const m = measure(bundle);
  console.log(
    `| ${name} | ${bytes.toLocaleString('en')} | ${gz.toLocaleString('en')} | ${m.median.toFixed(0)} (${m.min.toFixed(0)}–${m.max.toFixed(0)}) | +${(m.median - baseline.median).toFixed(0)} | ${m.peakMiB} |`,
  );
}
