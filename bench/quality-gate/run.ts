// Benchmark of quality-gate's changed-line coverage against Debian's diff-cover on the same input:
// a Cobertura report with 200,000 <line> entries (2,000 files × 100 lines) and a 20,000-line
// diff (10 changed lines per file), generated like docs/reference/anchor-baselines.md describes.
// The repository's objects are then packed, as in a checkout made by actions/checkout (git diff
// reads them faster than loose objects: 0.09 s instead of 0.13 s); --loose-objects leaves them
// loose, as the anchor note's generator does.
//
//   node bench/quality-gate/run.ts [--runs N] [--files N] [--keep] [--loose-objects]
//
// Each tool runs as a whole process (start-up included) under /usr/bin/time for wall time and
// peak RSS. The tools take turns, one run each per round (one warm-up round is not counted), so
// that a machine whose speed drifts (shared cores) slows them alike; medians are reported, and
// the ratios are the medians of each round's ratio. quality-gate runs twice: with diff-base (it
// runs git diff itself, as diff-cover does) and with diff-file.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  const value = i === -1 ? fallback : Number(args[i + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a positive integer`);
  return value;
};
const RUNS = option('--runs', 5);
const FILES = option('--files', 2000);
const LINES_PER_FILE = 100;
const CHANGED_PER_FILE = 10;
const DIFF_COVER = '/usr/bin/diff-cover';
const TIME = '/usr/bin/time';

for (const tool of [DIFF_COVER, TIME]) {
  if (!existsSync(tool)) {
    console.error(`bench: ${tool} is missing (apt-get install ${tool === TIME ? 'time' : 'diff-cover'})`);
    process.exit(2);
  }
}

function git(cwd: string, ...gitArgs: string[]): string {
  return execFileSync('git', gitArgs, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
}

/** The generator of anchor-baselines.md, in TypeScript: same paths, same crc32-based hits. */
function generate(dir: string): void {
  const paths = Array.from(
    { length: FILES },
    (_, i) => `src/pkg${String(Math.floor(i / 100)).padStart(3, '0')}/mod${String(i).padStart(5, '0')}.py`,
  );
  const step = LINES_PER_FILE / CHANGED_PER_FILE;
  git(dir, 'init', '-q', '-b', 'base');
  git(dir, 'config', 'user.email', 'bench@example.invalid');
  git(dir, 'config', 'user.name', 'bench');
  git(dir, 'config', 'commit.gpgsign', 'false');
  const lines = (changed: boolean): string =>
    Array.from({ length: LINES_PER_FILE }, (_, k) => {
      const n = k + 1;
      return changed && n % step === Math.floor(step / 2) ? `x${n} = ${n} + 1\n` : `x${n} = ${n}\n`;
    }).join('');
  for (const p of paths) {
    mkdirSync(path.join(dir, path.dirname(p)), { recursive: true });
    writeFileSync(path.join(dir, p), lines(false));
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  git(dir, 'checkout', '-q', '-b', 'feature');
  for (const p of paths) writeFileSync(path.join(dir, p), lines(true));
  git(dir, 'commit', '-q', '-am', 'feature');
  if (!args.includes('--loose-objects')) git(dir, 'gc', '-q');

  const out: string[] = [
    `<?xml version="1.0" ?>\n<coverage version="7.0" line-rate="0.8" branch-rate="0" lines-valid="${FILES * LINES_PER_FILE}" lines-covered="0" timestamp="0">\n<sources><source>.</source></sources>\n<packages>\n`,
  ];
  const packages = [...new Set(paths.map((p) => path.posix.dirname(p)))].sort();
  for (const pkg of packages) {
    out.push(`<package name="${pkg.replaceAll('/', '.')}" line-rate="0.8" branch-rate="0" complexity="0"><classes>\n`);
    for (const p of paths.filter((q) => path.posix.dirname(q) === pkg)) {
      out.push(
        `<class name="${path.posix.basename(p)}" filename="${p}" line-rate="0.8" branch-rate="0" complexity="0"><methods/><lines>\n`,
      );
      for (let n = 1; n <= LINES_PER_FILE; n++)
        out.push(`<line number="${n}" hits="${crc32(`${p}:${n}`) % 10 < 8 ? 1 : 0}"/>\n`);
      out.push('</lines></class>\n');
    }
    out.push('</classes></package>\n');
  }
  out.push('</packages>\n</coverage>\n');
  // Reports live outside the repository so neither tool sees them as changes.
  writeFileSync(path.join(dir, '..', 'coverage.xml'), out.join(''));
  writeFileSync(path.join(dir, '..', 'pr.diff'), git(dir, 'diff', '--no-color', 'base...HEAD'));
}

interface Sample {
  wallS: number;
  cpuS: number;
  peakMiB: number;
}

function timed(cmd: string, cmdArgs: string[], cwd: string, env: NodeJS.ProcessEnv, expectedStatus = 0): Sample {
  const stats = path.join(tmpdir(), `qg-bench-time-${process.pid}.txt`);
  const r = spawnSync(TIME, ['-f', '%e %U %S %M', '-o', stats, cmd, ...cmdArgs], {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
  if (r.status !== expectedStatus)
    throw new Error(`${cmd} exited ${r.status}:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  const [wall, user, sys, rssKiB] = readFileSync(stats, 'utf8').trim().split(/\s+/).slice(-4).map(Number);
  rmSync(stats, { force: true });
  return {
    wallS: wall ?? Number.NaN,
    cpuS: (user ?? Number.NaN) + (sys ?? Number.NaN),
    peakMiB: (rssKiB ?? Number.NaN) / 1024,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

interface Measured {
  name: string;
  samples: Sample[];
}

/** Runs every tool once per round, RUNS rounds after a warm-up round. */
function measureInRounds(tools: { name: string; once: () => Sample }[]): Measured[] {
  for (const t of tools) t.once();
  const results: Measured[] = tools.map((t) => ({ name: t.name, samples: [] }));
  for (let round = 0; round < RUNS; round++) tools.forEach((t, i) => results[i]?.samples.push(t.once()));
  return results;
}

const scratch = mkdtempSync(path.join(tmpdir(), 'qg-bench-'));
const repo = path.join(scratch, 'repo');
mkdirSync(repo);
try {
  const bundle = path.join(repoRoot, 'actions/quality-gate/dist/index.js');
  if (!existsSync(bundle)) {
    console.log('bundling actions/quality-gate …');
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts/bundle.ts'), 'quality-gate'], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
  }
  const t0 = performance.now();
  generate(repo);
  const report = path.join(scratch, 'coverage.xml');
  const diffFile = path.join(scratch, 'pr.diff');
  const reportBytes = readFileSync(report).length;
  const diffLines = readFileSync(diffFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('+') && !l.startsWith('+++')).length;
  console.log(
    `input: ${FILES * LINES_PER_FILE} <line> entries in ${FILES} files (${(reportBytes / 1e6).toFixed(2)} MB), ${diffLines} added lines; generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const runnerFiles = (tag: string): NodeJS.ProcessEnv => {
    const dir = path.join(scratch, `runner-${tag}`);
    mkdirSync(dir, { recursive: true });
    for (const f of ['output', 'summary', 'state', 'env', 'path']) writeFileSync(path.join(dir, f), '');
    return {
      GITHUB_OUTPUT: path.join(dir, 'output'),
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
      GITHUB_STATE: path.join(dir, 'state'),
      GITHUB_ENV: path.join(dir, 'env'),
      GITHUB_PATH: path.join(dir, 'path'),
      RUNNER_TEMP: dir,
    };
  };
  // GITHUB_WORKSPACE is the repository; the inputs may point outside it only through diff-file,
  // so the report is copied into an ignored folder (not a change: untracked, and git diff skips it).
  mkdirSync(path.join(repo, '.bench'));
  writeFileSync(path.join(repo, '.git/info/exclude'), '.bench/\n');
  writeFileSync(path.join(repo, '.bench/coverage.xml'), readFileSync(report));
  writeFileSync(path.join(repo, '.bench/pr.diff'), readFileSync(diffFile));
  const base = {
    ...process.env,
    GITHUB_WORKSPACE: repo,
    GITHUB_ACTIONS: 'true',
    INPUT_COVERAGE: '.bench/coverage.xml',
    'INPUT_MAX-ANNOTATIONS': '10',
    'INPUT_MIN-DIFF-COVERAGE': '0',
  };
  const oursGitEnv = {
    ...base,
    ...runnerFiles('git'),
    'INPUT_DIFF-BASE': 'base',
    'INPUT_JSON-FILE': '.bench/git.json',
  };
  const oursFileEnv = {
    ...base,
    ...runnerFiles('file'),
    'INPUT_DIFF-FILE': '.bench/pr.diff',
    'INPUT_JSON-FILE': '.bench/file.json',
  };

  const results = measureInRounds([
    {
      name: 'diff-cover 7.4 (git diff, --json-report)',
      once: () =>
        timed(
          DIFF_COVER,
          [report, '--compare-branch=base', '--json-report', path.join(scratch, 'dc.json')],
          repo,
          process.env,
        ),
    },
    {
      name: 'quality-gate, diff-base (runs git diff)',
      once: () => timed(process.execPath, [bundle], repo, oursGitEnv),
    },
    { name: 'quality-gate, diff-file', once: () => timed(process.execPath, [bundle], repo, oursFileEnv) },
    // The floor: loading the bundle and failing on "no inputs" (exit 1), no report read.
    {
      name: 'quality-gate start-up only (no inputs)',
      once: () =>
        timed(
          process.execPath,
          [bundle],
          repo,
          { ...process.env, ...runnerFiles('startup'), GITHUB_WORKSPACE: repo },
          1,
        ),
    },
  ]);

  // Both must report the same result, or the timing means nothing.
  const dc = JSON.parse(readFileSync(path.join(scratch, 'dc.json'), 'utf8')) as {
    total_num_lines: number;
    total_num_violations: number;
  };
  for (const f of ['git.json', 'file.json'] as const) {
    const ours = JSON.parse(readFileSync(path.join(repo, '.bench', f), 'utf8')) as {
      diff: { measured: number; covered: number };
    };
    if (
      ours.diff.measured !== dc.total_num_lines ||
      ours.diff.measured - ours.diff.covered !== dc.total_num_violations
    ) {
      throw new Error(
        `results differ: diff-cover ${dc.total_num_lines}/${dc.total_num_violations}, quality-gate (${f}) ${ours.diff.measured}/${ours.diff.measured - ours.diff.covered}`,
      );
    }
  }
  console.log(
    `same result from all: ${dc.total_num_lines} executable changed lines, ${dc.total_num_violations} uncovered (${(((dc.total_num_lines - dc.total_num_violations) / dc.total_num_lines) * 100).toFixed(3)} %)`,
  );
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    `\nnode ${process.version}, ${RUNS} rounds after 1 warm-up round, load average ${load}, git objects ${args.includes('--loose-objects') ? 'loose' : 'packed'}; wall and CPU (user+sys, child processes included) of the whole process, start-up included\n`,
  );
  console.log('| tool | wall median (min–max) | CPU median | peak RSS | wall ratio (min–max) | CPU ratio |');
  console.log('|---|---|---|---|---|---|');
  const reference = results[0]?.samples ?? [];
  for (const r of results) {
    const walls = r.samples.map((x) => x.wallS);
    // Each round's ratio: diff-cover's run beside this tool's run of the same round.
    const wallRatios = r.samples.map((x, i) => (reference[i]?.wallS ?? Number.NaN) / x.wallS);
    const cpuRatios = r.samples.map((x, i) => (reference[i]?.cpuS ?? Number.NaN) / x.cpuS);
    const times = (v: number): string => `${v.toFixed(1)}×`;
    console.log(
      `| ${r.name} | ${median(walls).toFixed(2)} s (${Math.min(...walls).toFixed(2)}–${Math.max(...walls).toFixed(2)}) | ${median(r.samples.map((x) => x.cpuS)).toFixed(2)} s | ${median(r.samples.map((x) => x.peakMiB)).toFixed(0)} MiB | ${times(median(wallRatios))} (${times(Math.min(...wallRatios))}–${times(Math.max(...wallRatios))}) | ${times(median(cpuRatios))} |`,
    );
  }
  console.log(
    '\nratio = diff-cover ÷ this tool, per round (above 1 means faster than diff-cover); medians over the rounds',
  );
} finally {
  if (!args.includes('--keep')) rmSync(scratch, { recursive: true, force: true });
  else console.log(`kept ${scratch}`);
}
