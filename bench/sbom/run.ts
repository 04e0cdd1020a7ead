// Benchmark: the sbom action (bundled, as the runner runs it) vs @cyclonedx/cdxgen on the same lockfiles.
// Usage: node bench/sbom/run.ts [--runs N] [--only npm,pnpm] [--no-install] [--refresh-cdxgen-extracts]
// cdxgen is installed pinned, outside the repository (npm i --prefix /tmp/cdxgen-bench -E @cyclonedx/cdxgen@12.8.4),
// and run offline (FETCH_LICENSE=false, --no-install-deps). If it cannot be installed or run, the table shows our
// figures next to the one measured in docs/reference/supply-chain.md, labelled as such.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const fixtures = path.resolve(repoRoot, 'fixtures/lockfiles');
const action = path.join(repoRoot, 'actions/sbom/dist/index.js');
const reporter = path.join(import.meta.dirname, 'rss-reporter.mjs');
const CDXGEN_VERSION = '12.8.4';
const cdxgenPrefix = process.env.CDXGEN_PREFIX ?? '/tmp/cdxgen-bench';
const cdxgenBin = path.join(cdxgenPrefix, 'node_modules/@cyclonedx/cdxgen/bin/cdxgen.js');

/** The note's cdxgen figures (2-vCPU machine, Node 20), shown when cdxgen cannot run here. */
const NOTE_SECONDS: Record<string, string> = {
  npm: '2.7–3.1',
  pnpm: '2.1–2.2',
  yarn: '3.9',
  poetry: '1.5',
  uv: '1.5',
  pip: '1.5',
  pipenv: '1.5',
};

interface Case {
  name: string;
  dir: string;
  lock: string;
  cdxgenType: string;
}

const CASES: Case[] = [
  { name: 'npm', dir: 'npm', lock: 'package-lock.json', cdxgenType: 'npm' },
  { name: 'pnpm', dir: 'pnpm', lock: 'pnpm-lock.yaml', cdxgenType: 'pnpm' },
  { name: 'yarn', dir: 'yarn', lock: 'yarn.lock', cdxgenType: 'yarn' },
  { name: 'poetry', dir: 'poetry', lock: 'poetry.lock', cdxgenType: 'python' },
  { name: 'uv', dir: 'uv', lock: 'uv.lock', cdxgenType: 'python' },
  { name: 'pip', dir: 'pip', lock: 'requirements.txt', cdxgenType: 'python' },
  { name: 'pipenv', dir: 'pipenv', lock: 'Pipfile.lock', cdxgenType: 'python' },
];

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const runs = Math.max(1, Math.min(20, Number(option('--runs') ?? 3)));
const only = option('--only')?.split(',');

interface Measure {
  ok: boolean;
  seconds: number;
  rssMiB: number | undefined;
  cpuSeconds: number | undefined;
  detail: string;
}

function measure(
  cmd: string,
  argv: string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs = 300_000,
): Promise<Measure> {
  const rssFile = path.join(mkdtempSync(path.join(tmpdir(), 'sbom-bench-rss-')), 'rss');
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, {
      cwd,
      env: { ...process.env, ...env, SBOM_BENCH_RSS_FILE: rssFile, NODE_OPTIONS: `--import ${reporter}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const usage = existsSync(rssFile)
        ? (JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKiB: number; cpuMs: number })
        : undefined;
      rmSync(path.dirname(rssFile), { recursive: true, force: true });
      resolve({
        ok: code === 0,
        seconds,
        rssMiB: usage && usage.maxRssKiB / 1024,
        cpuSeconds: usage && usage.cpuMs / 1000,
        detail: code === 0 ? '' : `exit ${String(code)}: ${output.trim().split('\n').slice(-3).join(' | ')}`,
      });
    });
  });
}

function ensureBundle(): void {
  if (existsSync(action)) return;
  console.log('bundling actions/sbom …');
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/bundle.ts'), 'sbom'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('bundling actions/sbom failed');
}

function ensureCdxgen(): string | undefined {
  if (existsSync(cdxgenBin)) return undefined;
  if (flag('--no-install')) return `not installed at ${cdxgenPrefix} (--no-install)`;
  console.log(`installing @cyclonedx/cdxgen@${CDXGEN_VERSION} into ${cdxgenPrefix} (outside the repository) …`);
  mkdirSync(cdxgenPrefix, { recursive: true });
  const r = spawnSync(
    'npm',
    ['i', '--prefix', cdxgenPrefix, '-E', '--no-audit', '--no-fund', `@cyclonedx/cdxgen@${CDXGEN_VERSION}`],
    { cwd: tmpdir(), encoding: 'utf8', timeout: 900_000 },
  );
  if (r.status !== 0 || !existsSync(cdxgenBin))
    return `could not be installed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-2).join(' ')}`;
  return undefined;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Extracts of cdxgen's output the tests compare with (actions/sbom/test/data/cdxgen-12.8.4). */
function writeExtract(name: string, bomFile: string): void {
  const bom = JSON.parse(readFileSync(bomFile, 'utf8')) as {
    metadata: { component?: { 'bom-ref'?: string } };
    components: Array<{
      purl: string;
      'bom-ref': string;
      scope?: string;
      properties?: Array<{ name: string; value: string }>;
    }>;
    dependencies: Array<{ ref: string; dependsOn?: string[] }>;
  };
  const purlOf = new Map(bom.components.map((c) => [c['bom-ref'], c.purl]));
  const components = bom.components
    .map((c) => ({
      purl: c.purl,
      scope: c.scope ?? null,
      dev: (c.properties ?? []).some((p) => p.name === 'cdx:npm:package:development' && p.value === 'true'),
    }))
    .sort((a, b) => (a.purl < b.purl ? -1 : 1));
  const edges: Array<[string, string]> = [];
  for (const d of bom.dependencies) {
    const from = purlOf.get(d.ref);
    if (from) for (const t of d.dependsOn ?? []) edges.push([from, purlOf.get(t) ?? t]);
  }
  edges.sort((a, b) => (`${a[0]} ${a[1]}` < `${b[0]} ${b[1]}` ? -1 : 1));
  const rootEdges = bom.dependencies.find((d) => d.ref === bom.metadata.component?.['bom-ref'])?.dependsOn?.length ?? 0;
  const out = {
    tool: `@cyclonedx/cdxgen ${CDXGEN_VERSION}`,
    command: `cdxgen -t ${name} --no-install-deps --no-babel --no-recurse --spec-version 1.6 (FETCH_LICENSE=false)`,
    input: `fixtures/lockfiles/${name}/`,
    components,
    edges: name === 'pnpm' ? edges : undefined,
    edgeCount: edges.length + rootEdges,
  };
  const target = path.join(repoRoot, `actions/sbom/test/data/cdxgen-${CDXGEN_VERSION}/${name}.json`);
  writeFileSync(target, `${JSON.stringify(out).replace(/\},\{/g, '},\n{').replace(/\],\[/g, '],\n[')}\n`);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}

async function main(): Promise<void> {
  ensureBundle();
  const cdxgenProblem = ensureCdxgen();
  const cases = CASES.filter((c) => !only || only.includes(c.name));
  const rows: string[][] = [];
  let npmSpeedup: number | undefined;
  let npmCpuSpeedup: number | undefined;
  for (const c of cases) {
    const ws = mkdtempSync(path.join(tmpdir(), `sbom-bench-${c.name}-`));
    cpSync(path.join(fixtures, c.dir), ws, { recursive: true });
    spawnSync('chmod', ['-R', 'u+w', ws]);
    const ours: Measure[] = [];
    const theirs: Measure[] = [];
    for (let i = 0; i < runs; i++) {
      // Interleaved, so that both see the same machine load.
      ours.push(
        await measure(process.execPath, [action], ws, {
          GITHUB_WORKSPACE: ws,
          INPUT_PATH: c.lock,
          INPUT_OUTPUT: 'ours.cdx.json',
          INPUT_REPRODUCIBLE: 'true',
          'INPUT_SPEC-VERSION': '1.6',
          INPUT_FORMAT: 'json',
        }),
      );
      if (!cdxgenProblem) {
        theirs.push(
          await measure(
            process.execPath,
            [
              cdxgenBin,
              '-t',
              c.cdxgenType,
              '--no-install-deps',
              '--no-babel',
              '--no-recurse',
              '--spec-version',
              '1.6',
              '-o',
              'cdxgen.cdx.json',
              '.',
            ],
            ws,
            {
              FETCH_LICENSE: 'false',
              CDXGEN_NO_BANNER: 'true',
            },
          ),
        );
      }
    }
    const failed = [...ours, ...theirs].find((m) => !m.ok);
    if (failed) console.log(`${c.name}: a run failed: ${failed.detail}`);
    const oursS = median(ours.map((m) => m.seconds));
    const oursCpu = median(ours.map((m) => m.cpuSeconds ?? Number.NaN));
    const oursRss = Math.max(...ours.map((m) => m.rssMiB ?? 0));
    const oursBom = JSON.parse(readFileSync(path.join(ws, 'ours.cdx.json'), 'utf8')) as { components: unknown[] };
    if (theirs.length > 0 && theirs.every((m) => m.ok)) {
      const theirS = median(theirs.map((m) => m.seconds));
      const theirCpu = median(theirs.map((m) => m.cpuSeconds ?? Number.NaN));
      const theirRss = Math.max(...theirs.map((m) => m.rssMiB ?? 0));
      const theirBom = JSON.parse(readFileSync(path.join(ws, 'cdxgen.cdx.json'), 'utf8')) as { components: unknown[] };
      const speedup = theirS / oursS;
      if (c.name === 'npm') {
        npmSpeedup = speedup;
        npmCpuSpeedup = theirCpu / oursCpu;
      }
      rows.push([
        c.name,
        `${oursS.toFixed(2)} s`,
        `${oursCpu.toFixed(2)} s`,
        `${oursRss.toFixed(0)} MiB`,
        String(oursBom.components.length),
        `${theirS.toFixed(2)} s`,
        `${theirCpu.toFixed(2)} s`,
        `${theirRss.toFixed(0)} MiB`,
        String(theirBom.components.length),
        `${speedup.toFixed(1)}×`,
        `${(theirCpu / oursCpu).toFixed(1)}×`,
      ]);
      if (flag('--refresh-cdxgen-extracts') && (c.name === 'npm' || c.name === 'pnpm'))
        writeExtract(c.name, path.join(ws, 'cdxgen.cdx.json'));
    } else {
      const note = NOTE_SECONDS[c.name] ?? '?';
      rows.push([
        c.name,
        `${oursS.toFixed(2)} s`,
        `${oursCpu.toFixed(2)} s`,
        `${oursRss.toFixed(0)} MiB`,
        String(oursBom.components.length),
        `${note} s (note, not measured here)`,
        '—',
        '—',
        '—',
        '—',
        '—',
      ]);
    }
    rmSync(ws, { recursive: true, force: true });
  }
  const headers = [
    'lockfile',
    'ours wall',
    'ours CPU',
    'ours peak RSS',
    'ours comps',
    `cdxgen ${CDXGEN_VERSION} wall`,
    'cdxgen CPU',
    'cdxgen peak RSS',
    'cdxgen comps',
    'wall ×',
    'CPU ×',
  ];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(
    `\nsbom bench — ${runs} run(s) each, interleaved; Node ${process.version}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  if (cdxgenProblem)
    console.log(
      `cdxgen ${cdxgenProblem}: its column is the figure measured in docs/reference/supply-chain.md, not a run here.`,
    );
  console.log(line(headers));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  console.log(
    'Medians. Wall: spawn to exit. CPU: user+system of the node process. Peak RSS: its maxRSS (process.resourceUsage() at exit).',
  );
  if ((loadavg()[0] ?? 0) > 2)
    console.log(
      'The machine was busy (load average above its 2 cores): wall times are inflated; the CPU ratio is the steadier comparison.',
    );
  if (npmSpeedup !== undefined) {
    console.log(
      `npm lock: ${npmSpeedup.toFixed(1)}× less wall time, ${(npmCpuSpeedup ?? 0).toFixed(1)}× less CPU than cdxgen (goal ≥ 10×): ${npmSpeedup >= 10 ? 'met' : 'not met on wall time in this run'}`,
    );
  }
}

await main();
