import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureBundled, runBundledAction } from '../packages/testing/lib/index.js';
import { assembleRelease } from '../scripts/assemble-release.ts';
import { actionsDir, repoRoot } from '../scripts/lib/actions.ts';
import { DEFAULT_REPOSITORY } from '../scripts/lib/release-tree.ts';
import vitestConfig from '../vitest.config.ts';

// The dogfood job of .github/workflows/ci.yml, on this machine: the same steps with the
// inputs read from ci.yml itself, our actions run from an assembled release tree through the
// runner-faithful harness. The scope is small (one package's tests, one action's start-up),
// the wiring is the workflow's: change ci.yml and this test follows it or breaks.

type Value = string | number | boolean;
interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, Value>;
}
interface Workflow {
  jobs: Record<string, { steps: Step[] }>;
}

const ciFile = path.join(repoRoot, '.github/workflows/ci.yml');
const ciText = readFileSync(ciFile, 'utf8');
const ci = parse(ciText) as Workflow;
const dogfood = ci.jobs.dogfood?.steps ?? [];

function localStep(action: string): Step {
  const step = dogfood.find((s) => s.uses?.startsWith('./') && path.posix.basename(s.uses) === action);
  if (!step) throw new Error(`ci.yml: the dogfood job has no step that uses ./<tree>/${action}`);
  return step;
}
function stepRunning(command: string): Step {
  const step = dogfood.find((s) => s.run?.includes(command));
  if (!step) throw new Error(`ci.yml: the dogfood job has no step that runs ${command}`);
  return step;
}
function stepUsing(prefix: string): Step {
  const step = dogfood.find((s) => s.uses?.startsWith(prefix));
  if (!step) throw new Error(`ci.yml: the dogfood job has no step that uses ${prefix}`);
  return step;
}
function input(step: Step, name: string): string {
  const value = step.with?.[name];
  if (value === undefined) throw new Error(`ci.yml: step '${step.name ?? step.uses}' has no input ${name}`);
  return String(value);
}

/**
 * A step's `with:` as the runner hands it over: `${{ a.b.c }}` looked up in the context, a
 * missing property is ''. Any other expression fails the test, so the harness never guesses.
 */
function evaluate(values: Record<string, Value>, context: Record<string, unknown>): Record<string, Value> {
  const lookup = (expr: string): string => {
    if (!/^[A-Za-z_][\w-]*(\.[\w-]+)*$/.test(expr))
      throw new Error(`ci.yml: this test cannot evaluate \${{ ${expr} }}`);
    const [head, ...rest] = expr.split('.');
    if (head === undefined || !(head in context)) throw new Error(`ci.yml: no '${head}' context in this test`);
    let v: unknown = context[head];
    for (const key of rest) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
    return v === undefined || v === null ? '' : String(v);
  };
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [
      k,
      typeof v === 'string' ? v.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, e: string) => lookup(e)) : v,
    ]),
  );
}

const ACTIONS = ['quality-gate', 'sbom', 'benchmark-gate'] as const;
const tree = path.posix.dirname(localStep('quality-gate').uses?.slice(2) ?? '');

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** vitest's own environment would make the inner run think it is a worker of this one. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(VITEST|TEST$|NODE_OPTIONS$)/.test(k)));
}

interface Cobertura {
  linesValid: number;
  linesCovered: number;
  files: Map<string, { valid: number; covered: number }>;
}
function readCobertura(file: string): Cobertura {
  const xml = readFileSync(file, 'utf8');
  const root = /<coverage [^>]*lines-valid="(\d+)" lines-covered="(\d+)"/.exec(xml);
  const files = new Map<string, { valid: number; covered: number }>();
  for (const m of xml.matchAll(/<class [^>]*filename="([^"]+)"[^>]*>([\s\S]*?)<\/class>/g)) {
    // A class lists its lines twice: per method and in its own <lines>; count the latter.
    const own = (m[2] ?? '').replace(/<methods>[\s\S]*?<\/methods>/g, '');
    const lines = [...own.matchAll(/<line number="\d+" hits="(\d+)"/g)].map((l) => Number(l[1]));
    const known = files.get(m[1] ?? '') ?? { valid: 0, covered: 0 };
    files.set(m[1] ?? '', {
      valid: known.valid + lines.length,
      covered: known.covered + lines.filter((h) => h > 0).length,
    });
  }
  return { linesValid: Number(root?.[1]), linesCovered: Number(root?.[2]), files };
}

describe('ci.yml', () => {
  it('tests a fresh clone with .ci/run and checks out nothing but this repository', () => {
    expect(ci.jobs.test?.steps.some((s) => /\bbash \.ci\/run\b/.test(s.run ?? ''))).toBe(true);
    for (const [job, { steps }] of Object.entries(ci.jobs)) {
      const checkouts = steps.filter((s) => s.uses?.startsWith('actions/checkout@'));
      expect(checkouts, job).toHaveLength(1);
      expect(checkouts[0]?.with?.repository, job).toBeUndefined();
    }
    expect(ciText).not.toMatch(/spikeformer-shared|\.\.\/shared/);
  });

  it('pins every third-party action by full commit SHA with its version beside it', () => {
    const uses = [...ciText.matchAll(/^\s*(?:- )?uses: (\S+)(.*)$/gm)].filter((m) => !m[1]?.startsWith('./'));
    expect(uses.length).toBeGreaterThan(0);
    for (const m of uses) {
      expect(m[1], m[0]).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      expect(m[2], m[0]).toMatch(/^ # v\d+\.\d+\.\d+$/);
    }
  });

  it('runs quality-gate, sbom and benchmark-gate from the release tree it assembles', () => {
    for (const action of ACTIONS) expect(localStep(action).uses).toBe(`./${tree}/${action}`);
    expect(stepRunning('scripts/assemble-release.ts').run).toMatch(
      new RegExp(`scripts/assemble-release\\.ts ${tree.replace(/\./g, '\\.')} `),
    );
  });

  it('feeds quality-gate the reports its test step writes, as vitest.config.ts configures them', () => {
    const coverage = vitestConfig.test?.coverage as { reportsDirectory?: string; reporter?: unknown[] } | undefined;
    const gate = localStep('quality-gate');
    expect(coverage?.reporter).toContain('cobertura');
    expect(input(gate, 'coverage')).toBe(`${coverage?.reportsDirectory}/cobertura-coverage.xml`);
    expect(stepRunning('scripts/dev test').run).toContain(
      `--coverage.enabled --reporter=junit --outputFile.junit=${input(gate, 'junit')}`,
    );
    expect(input(gate, 'diff-base')).toBe('${{ github.event.pull_request.base.sha }}');
  });

  it('carries the benchmark history from one main run to the next', () => {
    const gate = localStep('benchmark-gate');
    const history = input(gate, 'baseline');
    expect(input(gate, 'json-file')).toBe(history);
    expect(input(stepUsing('actions/cache/restore@'), 'path')).toBe(history);
    expect(input(stepUsing('actions/cache/save@'), 'path')).toBe(history);
    expect(stepRunning('bench/startup/run.ts').run).toContain(`--json ${input(gate, 'results')}`);
  });
});

const scratch: string[] = [];
function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

describe('the dogfood job, run here', { timeout: 600_000 }, () => {
  let treeDir = '';
  let ws = '';
  afterAll(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });
  beforeAll(() => {
    for (const action of ACTIONS) ensureBundled(path.join(actionsDir, action));
    treeDir = path.join(scratchDir('sf-dogfood-tree-'), tree);
    const assembled = assembleRelease(treeDir, { ref: 'dogfood', repository: DEFAULT_REPOSITORY });
    expect(assembled.problems.filter((p) => ACTIONS.some((a) => p.includes(`actions/${a}:`)))).toEqual([]);
    for (const action of ACTIONS) expect(existsSync(path.join(treeDir, action, 'dist/index.js')), action).toBe(true);
    ws = scratchDir('sf-dogfood-ws-');
  }, 300_000);

  it('quality-gate judges our own vitest coverage, JUnit report and the pull request changed lines', async () => {
    const gate = localStep('quality-gate');
    const coverageFile = path.join(ws, input(gate, 'coverage'));
    const junitFile = path.join(ws, input(gate, 'junit'));
    // The test step, on one small package: coverage and JUnit as ci.yml's run line asks.
    const vitest = spawnSync(
      process.execPath,
      [
        path.join(repoRoot, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--project',
        '@spikeformer-actions/delivery',
        'packages/delivery/test/analysis/expression.test.ts',
        'packages/delivery/test/analysis/template.test.ts',
        '--coverage.enabled',
        `--coverage.reportsDirectory=${path.dirname(coverageFile)}`,
        '--reporter=junit',
        `--outputFile.junit=${junitFile}`,
        '--reporter=json',
        `--outputFile.json=${path.join(ws, 'vitest.json')}`,
      ],
      { cwd: repoRoot, env: cleanEnv(), encoding: 'utf8', timeout: 300_000 },
    );
    expect(vitest.status, vitest.stdout + vitest.stderr).toBe(0);
    const counts = JSON.parse(readFileSync(path.join(ws, 'vitest.json'), 'utf8')) as {
      numTotalTests: number;
      numFailedTests: number;
    };
    const cobertura = readCobertura(coverageFile);
    const changed = 'packages/delivery/src/analysis/expression.ts';
    expect([...cobertura.files.keys()]).toContain(changed);

    // A pull request that adds `changed` to a checkout holding every file the report names.
    writeFileSync(path.join(ws, '.gitignore'), '.local/\nvitest.json\n');
    for (const file of cobertura.files.keys()) {
      mkdirSync(path.dirname(path.join(ws, file)), { recursive: true });
      if (file !== changed) cpSync(path.join(repoRoot, file), path.join(ws, file));
    }
    git(ws, 'init', '-q', '-b', 'main');
    git(ws, 'add', '-A');
    git(ws, 'commit', '-q', '-m', 'base');
    const baseSha = git(ws, 'rev-parse', 'HEAD');
    cpSync(path.join(repoRoot, changed), path.join(ws, changed));
    git(ws, 'add', '-A');
    git(ws, 'commit', '-q', '-m', 'change');
    const event = {
      pull_request: {
        number: 7,
        base: { sha: baseSha, ref: 'main' },
        head: { sha: git(ws, 'rev-parse', 'HEAD'), ref: 'feature' },
      },
    };

    const inputs = evaluate(gate.with ?? {}, { github: { event, event_name: 'pull_request' } });
    expect(inputs['diff-base']).toBe(baseSha);
    const r = await runBundledAction(path.join(treeDir, 'quality-gate'), {
      inputs,
      workspace: ws,
      event,
      eventName: 'pull_request',
    });
    // Every line of `changed` is new, so its changed-line coverage is its line coverage.
    const mine = cobertura.files.get(changed) ?? { valid: 0, covered: 0 };
    const diffCoverage = (100 * mine.covered) / mine.valid;
    const expectPass =
      diffCoverage >= Number(inputs['min-diff-coverage']) &&
      counts.numFailedTests <= Number(inputs['max-test-failures']);
    expect(r.stdout).not.toContain('Stack trace');
    expect(r.exitCode, r.stdout).toBe(expectPass ? 0 : 1);
    expect(r.outputs.status).toBe(expectPass ? 'passed' : 'failed');
    expect(Number(r.outputs.coverage)).toBeCloseTo((100 * cobertura.linesCovered) / cobertura.linesValid, 1);
    expect(Number(r.outputs['diff-coverage'])).toBeCloseTo(diffCoverage, 1);
    expect(r.outputs['tests-total']).toBe(String(counts.numTotalTests));
    expect(r.outputs['tests-failed']).toBe('0');
    expect(existsSync(path.join(ws, input(gate, 'json-file')))).toBe(true);
  });

  it('sbom describes our own pnpm-lock.yaml', async () => {
    const step = localStep('sbom');
    const sbomWs = scratchDir('sf-dogfood-sbom-');
    for (const file of ['pnpm-lock.yaml', 'package.json', 'pnpm-workspace.yaml'])
      cpSync(path.join(repoRoot, file), path.join(sbomWs, file));
    const inputs = evaluate(step.with ?? {}, { github: {} });
    const r = await runBundledAction(path.join(treeDir, 'sbom'), { inputs, workspace: sbomWs });
    expect(r.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(r.exitCode, r.stdout).toBe(0);
    const bom = JSON.parse(readFileSync(path.join(sbomWs, input(step, 'output')), 'utf8')) as {
      bomFormat: string;
      components: Array<{ purl?: string }>;
    };
    expect(bom.bomFormat).toBe('CycloneDX');
    const purls = bom.components.map((c) => c.purl);
    const devDependencies = (
      JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
        devDependencies: Record<string, string>;
      }
    ).devDependencies;
    for (const [name, version] of Object.entries(devDependencies))
      expect(purls, name).toContain(`pkg:npm/${name.replace('@', '%40')}@${version}`);
    expect(r.outputs['sbom-file']).toBe(input(step, 'output'));
  });

  it('benchmark-gate reads the start-up bench and carries its history over', async () => {
    const gate = localStep('benchmark-gate');
    const benchWs = scratchDir('sf-dogfood-bench-');
    const results = input(gate, 'results');
    // The bench step, on one action and three runs.
    const bench = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'bench/startup/run.ts'), '--runs', '3', '--json', path.join(benchWs, results), 'canary'],
      {
        cwd: repoRoot,
        env: cleanEnv(),
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(bench.status, bench.stdout + bench.stderr).toBe(0);
    const inputs = evaluate(gate.with ?? {}, { github: {} });
    const history = path.join(benchWs, input(gate, 'json-file'));
    // The first run on main finds no history and starts it; the next compares with it. The
    // same results twice keep the verdict independent of this machine's noise.
    const first = await runBundledAction(path.join(treeDir, 'benchmark-gate'), {
      inputs,
      workspace: benchWs,
      env: { GITHUB_RUN_ID: '100' },
    });
    expect(first.exitCode, first.stdout).toBe(0);
    expect(first.annotations.map((a) => `${a.level}: ${a.message}`)).toContain(
      `notice: baseline ${input(gate, 'baseline')} not found: nothing to compare with yet; this run starts the history`,
    );
    const second = await runBundledAction(path.join(treeDir, 'benchmark-gate'), {
      inputs,
      workspace: benchWs,
      env: { GITHUB_RUN_ID: '101' },
    });
    expect(second.exitCode, second.stdout).toBe(0);
    expect(second.outputs.regressions).toBe('0');
    expect(second.outputs.missing).toBe('0');
    const doc = JSON.parse(readFileSync(history, 'utf8')) as {
      runs: Array<{ id: string; benchmarks: Record<string, unknown> }>;
    };
    expect(doc.runs.map((run) => [run.id, Object.keys(run.benchmarks).sort()])).toEqual([
      ['100.1', ['canary', 'node -e 0']],
      ['101.1', ['canary', 'node -e 0']],
    ]);
  });
});
