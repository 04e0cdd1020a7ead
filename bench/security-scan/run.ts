// Benchmark of the security-scan action on a replicated fixture set (≥ 100 MB, ≥ 200,000 findings).
// Usage: node bench/security-scan/run.ts [--runs 3] [--scale 1] [--keep] [--phases] [--floor]
// (--floor runs floor.ts on one thread and on two: `floor.ts <ws>` and `floor.ts <ws> --workers 2`).
// Runs the bundled action (actions/security-scan/dist, bundled first when missing) as the runner
// would, in a child process, and compares its wall time and peak memory with a child that only
// reads the same files and JSON.parses them. Reads the repository's fixtures/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.resolve(repo, 'fixtures/reports');
const action = path.join(repo, 'actions/security-scan');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : fallback;
}
const runs = Math.min(arg('runs', 3), 10);
const scale = Math.min(arg('scale', 1), 8);
const keep = process.argv.includes('--keep');
const phases = process.argv.includes('--phases');
const floor = process.argv.includes('--floor');

type Json = Record<string, unknown>;
const load = (rel: string): Json => JSON.parse(readFileSync(path.join(fixtures, rel), 'utf8')) as Json;
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/** Every generated report gets distinct paths, packages or versions per copy, so no finding dedups away. */
function generate(dir: string): { files: string[]; expectedFindings: number } {
  const files: string[] = [];
  let expected = 0;
  const write = (name: string, doc: unknown, findings: number): void => {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(doc));
    files.push(file);
    expected += findings;
  };

  // semgrep SARIF: the 1,768 OWASP benchmark results, copied under copyN/ paths.
  const sarif = load('sarif/semgrep-0.17.0-owasp-benchmark.sarif');
  const run = list(sarif.runs)[0] ?? {};
  const results = list(run.results);
  const sarifCopies = Math.round(40 * scale);
  const many: Json[] = [];
  for (let c = 0; c < sarifCopies; c++) {
    for (const r of results) {
      const loc = list(r.locations)[0] as { physicalLocation: { artifactLocation: { uri: string } } };
      const uri = `copy${c}/${loc.physicalLocation.artifactLocation.uri}`;
      many.push({
        ...r,
        locations: [
          {
            physicalLocation: {
              ...loc.physicalLocation,
              artifactLocation: { ...loc.physicalLocation.artifactLocation, uri },
            },
          },
        ],
      });
    }
  }
  write('semgrep.sarif', { ...sarif, runs: [{ ...run, results: many }] }, many.length);

  // pip-audit: the 7 vulnerabilities of many_vulns_new_format.json over distinct package names.
  const pip = load('pip-audit/many_vulns_new_format.json');
  const withVulns = list(pip.dependencies).filter((d) => list(d.vulns).length > 0);
  const deps: Json[] = [];
  let pipFindings = 0;
  for (let c = 0; pipFindings < 100_000 * scale; c++) {
    for (const d of withVulns) {
      deps.push({ ...d, name: `${String(d.name)}-copy${c}` });
      pipFindings += list(d.vulns).length;
    }
  }
  write('pip-audit.json', { ...pip, dependencies: deps }, pipFindings);

  // bandit: bandit.json's 19 results under 1,000 directory copies.
  const bandit = load('bandit/bandit.json');
  const banditResults: Json[] = [];
  for (let c = 0; c < 1000 * scale; c++)
    for (const r of list(bandit.results)) banditResults.push({ ...r, filename: `copy${c}/${String(r.filename)}` });
  write('bandit.json', { ...bandit, results: banditResults }, banditResults.length);

  // grype: many_vulns4.json's 9 matches over distinct artifact versions.
  const grype = load('grype/many_vulns4.json');
  const matches: Json[] = [];
  for (let c = 0; c < 1000 * scale; c++) {
    for (const m of list(grype.matches)) {
      const artifact = m.artifact as Json;
      matches.push({
        ...m,
        artifact: {
          ...artifact,
          version: `${String(artifact.version)}-${c}`,
          purl: `${String(artifact.purl).split('@')[0]}@${String(artifact.version)}-${c}`,
        },
      });
    }
  }
  write('grype.json', { ...grype, matches }, matches.length);

  // trivy: the filesystem report's results (vulnerabilities, misconfiguration, secrets) under 500 targets.
  const trivy = load('trivy/fs-pip-misconfig-secrets.json');
  const trivyResults: Json[] = [];
  let trivyFindings = 0;
  for (let c = 0; c < 500 * scale; c++) {
    for (const r of list(trivy.Results)) {
      trivyResults.push({ ...r, Target: `copy${c}/${String(r.Target)}` });
      trivyFindings += list(r.Vulnerabilities).length + list(r.Misconfigurations).length + list(r.Secrets).length;
    }
  }
  write('trivy.json', { ...trivy, Results: trivyResults }, trivyFindings);
  return { files, expectedFindings: expected };
}

interface Measure {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs node with a preload that records the process's own peak RSS and CPU time at exit.
 * CPU time (user + system) is reported beside wall time because the machines here are shared:
 * wall time includes waiting for a core, CPU time does not.
 */
function measure(args: string[], env: Record<string, string>, work: string): Measure {
  const peakFile = path.join(work, `peak-${process.hrtime.bigint()}.txt`);
  const preload = path.join(work, 'peak.mjs');
  if (!existsSync(preload)) {
    writeFileSync(
      preload,
      "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => { const u = process.resourceUsage(); writeFileSync(process.env.BENCH_PEAK_FILE, JSON.stringify({ maxRSS: u.maxRSS, cpu: u.userCPUTime + u.systemCPUTime })); });\n",
    );
  }
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', preload, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env, BENCH_PEAK_FILE: peakFile },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 600_000,
  });
  const wallMs = performance.now() - started;
  const usage = existsSync(peakFile)
    ? (JSON.parse(readFileSync(peakFile, 'utf8')) as { maxRSS: number; cpu: number })
    : { maxRSS: Number.NaN, cpu: Number.NaN };
  return {
    wallMs,
    cpuMs: usage.cpu / 1000,
    peakRssMb: usage.maxRSS / 1024,
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

if (!existsSync(fixtures)) {
  console.error(`fixtures missing: ${fixtures}`);
  process.exit(2);
}
const dist = path.join(action, 'dist/index.js');
if (!existsSync(dist)) {
  const b = spawnSync(process.execPath, [path.join(repo, 'scripts/bundle.ts'), 'security-scan'], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(1);
}

const work = mkdtempSync(path.join(tmpdir(), 'ss-bench-'));
const ws = path.join(work, 'ws');
mkdirSync(path.join(ws, 'reports'), { recursive: true });
const { files, expectedFindings } = generate(path.join(ws, 'reports'));
const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
console.log(
  `input: ${files.length} reports, ${(bytes / 1e6).toFixed(1)} MB, ${expectedFindings} findings (scale ${scale}); ${runs} run(s) each, medians`,
);

const parseScript = path.join(work, 'parse-only.mjs');
writeFileSync(
  parseScript,
  `import { readFileSync } from 'node:fs';\nlet n = 0;\nfor (const f of process.argv.slice(2)) { const doc = JSON.parse(readFileSync(f, 'utf8')); n += doc ? 1 : 0; }\nconsole.log(n);\n`,
);

const actionRuns: Measure[] = [];
const parseRuns: Measure[] = [];
for (let i = 0; i < runs; i++) {
  const outFile = path.join(work, `output-${i}.txt`);
  writeFileSync(outFile, '');
  const env = {
    GITHUB_WORKSPACE: ws,
    GITHUB_OUTPUT: outFile,
    GITHUB_STEP_SUMMARY: path.join(work, 'summary.md'),
    RUNNER_TEMP: work,
    INPUT_REPORTS: 'reports/*.json\nreports/*.sarif',
    'INPUT_FAIL-ON': 'none',
    'INPUT_SARIF-OUTPUT': 'out/scan.sarif',
    'INPUT_JSON-OUTPUT': 'out/scan.json',
    'INPUT_MAX-ANNOTATIONS': '50',
    'INPUT_MAX-REPORT-SIZE': '512MiB',
  };
  const a = measure([dist], env, work);
  if (a.status !== 0) {
    console.error(a.stdout.slice(-4000), a.stderr.slice(-4000));
    process.exit(1);
  }
  const total = /total<<[^\n]+\n(\d+)/.exec(readFileSync(outFile, 'utf8'))?.[1];
  if (i === 0)
    console.log(
      `action: ${total ?? '?'} findings after dedup, SARIF ${(statSync(path.join(ws, 'out/scan.sarif')).size / 1e6).toFixed(1)} MB, JSON ${(statSync(path.join(ws, 'out/scan.json')).size / 1e6).toFixed(1)} MB`,
    );
  actionRuns.push(a);
  parseRuns.push(measure([parseScript, ...files], {}, work));
}
const aWall = median(actionRuns.map((m) => m.wallMs));
const pWall = median(parseRuns.map((m) => m.wallMs));
const aCpu = median(actionRuns.map((m) => m.cpuMs));
const pCpu = median(parseRuns.map((m) => m.cpuMs));
const aRss = median(actionRuns.map((m) => m.peakRssMb));
const pRss = median(parseRuns.map((m) => m.peakRssMb));
console.log(
  `security-scan action : ${(aWall / 1000).toFixed(2)} s wall, ${(aCpu / 1000).toFixed(2)} s CPU, peak RSS ${aRss.toFixed(0)} MB`,
);
console.log(
  `read + JSON.parse    : ${(pWall / 1000).toFixed(2)} s wall, ${(pCpu / 1000).toFixed(2)} s CPU, peak RSS ${pRss.toFixed(0)} MB`,
);
console.log(`ratio (wall time)    : ${(aWall / pWall).toFixed(2)}x   (goal: at most 2x)`);
console.log(`ratio (CPU time)     : ${(aCpu / pCpu).toFixed(2)}x`);
console.log(`ratio (peak memory)  : ${(aRss / pRss).toFixed(2)}x`);
if (phases) {
  console.log('phases (in-process, from the TypeScript sources):');
  spawnSync(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), 'phases.ts'), ws], {
    stdio: 'inherit',
    timeout: 600_000,
  });
}
if (floor) {
  const floorScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'floor.ts');
  console.log('floor (the least per-finding work, written directly; see floor.ts), one thread:');
  spawnSync(process.execPath, [floorScript, ws], { stdio: 'inherit', timeout: 600_000 });
  console.log('floor on two threads (main + one worker, reports split by bytes; floor.ts --workers 2):');
  spawnSync(process.execPath, [floorScript, ws, '--workers', '2'], { stdio: 'inherit', timeout: 600_000 });
}
if (keep) console.log(`kept: ${work}`);
else rmSync(work, { recursive: true, force: true });
