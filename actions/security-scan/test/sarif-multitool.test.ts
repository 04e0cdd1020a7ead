import { execFile } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureBundled, fixturePath, repoRoot, runBundledAction } from '@spikeformer-actions/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const ACTION = 'actions/security-scan';
/** The fixture folders of the formats this action reads: every file in them goes into the merge. */
const FORMAT_DIRS = ['bandit', 'grype', 'npm-audit', 'pip-audit', 'ruff', 'safety', 'sarif', 'semgrep', 'trivy'];
/** Fixtures in those folders that are not scanner reports of a format this action reads (bandit's text and XML formats, ruff's JSON). */
const NOT_READ = new Set(['bandit/bandit.txt', 'bandit/bandit.xml', 'ruff/ruff-json-output.json']);

/**
 * Microsoft's SARIF Multitool (root devDependency @microsoft/sarif-multitool). pnpm runs the
 * package's `chmod u+x` only when its build is allowed: without it the binary is copied into a
 * temporary folder with the executable bit.
 */
function multitool(): string {
  const req = createRequire(path.join(repoRoot, 'package.json'));
  const binary = req('@microsoft/sarif-multitool') as string;
  try {
    accessSync(binary, constants.X_OK);
    return binary;
  } catch {
    const dir = mkdtempSync(path.join(tmpdir(), 'ss-multitool-'));
    const copy = path.join(dir, 'Sarif.Multitool');
    copyFileSync(binary, copy);
    chmodSync(copy, 0o755);
    return copy;
  }
}

interface ValidationResult {
  ruleId: string;
  level?: string;
  message: { text?: string; arguments?: string[] };
}

/** Runs `validate --rule-kind "Gh;Sarif"` and returns its results (the Multitool writes them as SARIF). */
async function validate(tool: string, sarif: string): Promise<ValidationResult[]> {
  const out = `${sarif}.validation.sarif`;
  const work = mkdtempSync(path.join(tmpdir(), 'ss-multitool-run-'));
  try {
    await promisify(execFile)(
      tool,
      ['validate', '--rule-kind', 'Gh;Sarif', '--log', 'ForceOverwrite', '--output', out, sarif],
      {
        cwd: work,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: work,
          DOTNET_BUNDLE_EXTRACT_BASE_DIR: work,
          DOTNET_CLI_TELEMETRY_OPTOUT: '1',
          DOTNET_NOLOGO: '1',
        },
        timeout: 240_000,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
  } catch (error) {
    // The Multitool exits 1 when it finds errors; the log it wrote says which.
    if ((error as { code?: unknown }).code !== 1) throw error;
  }
  interface Rule {
    id: string;
    defaultConfiguration?: { level?: string };
  }
  const log = JSON.parse(readFileSync(out, 'utf8')) as {
    runs: Array<{ results?: ValidationResult[]; tool: { driver: { rules?: Rule[] } } }>;
  };
  // A result without a level has its rule's default level, and SARIF's default is warning.
  return log.runs.flatMap((run) =>
    (run.results ?? []).map((r) => ({
      ...r,
      level:
        r.level ??
        run.tool.driver.rules?.find((rule) => rule.id === r.ruleId)?.defaultConfiguration?.level ??
        'warning',
    })),
  );
}

const countByRule = (list: readonly ValidationResult[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const r of list) counts[r.ruleId] = (counts[r.ruleId] ?? 0) + 1;
  return counts;
};

function reportFixtures(): string[] {
  const out: string[] = [];
  for (const dir of FORMAT_DIRS) {
    for (const name of readdirSync(fixturePath(`reports/${dir}`)).sort()) {
      if (name !== 'SOURCES.md' && !NOT_READ.has(`${dir}/${name}`)) out.push(`${dir}/${name}`);
    }
  }
  return out;
}

beforeAll(() => {
  ensureBundled(ACTION);
}, 240_000);

describe("the merged SARIF under Microsoft's SARIF Multitool with GitHub's ingestion rules", () => {
  it('has 0 errors for the merge of every report fixture', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'ss-multitool-ws-'));
    const fixtures = reportFixtures();
    // Every report fixture of a format the action reads: 20 files, seven tools and four SARIF producers.
    expect(fixtures.length).toBe(20);
    for (const f of fixtures) {
      mkdirSync(path.join(ws, 'reports', path.dirname(f)), { recursive: true });
      copyFileSync(fixturePath(`reports/${f}`), path.join(ws, 'reports', f));
    }
    const run = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: {
        reports: fixtures.map((f) => `reports/${f}`).join('\n'),
        'fail-on': 'none',
        'sarif-output': 'merged.sarif',
      },
      timeoutMs: 120_000,
    });
    expect(run.exitCode, run.stdout.slice(-3000)).toBe(0);
    const merged = path.join(ws, 'merged.sarif');
    // The control: the same log with every rule's fullDescription and help removed must fail (GH2012, twice per rule).
    const control = path.join(ws, 'control.sarif');
    const doc = JSON.parse(readFileSync(merged, 'utf8')) as {
      runs: Array<{ tool: { driver: { rules?: Array<Record<string, unknown>> } } }>;
    };
    let rules = 0;
    for (const run of doc.runs) {
      for (const rule of run.tool.driver.rules ?? []) {
        delete rule.fullDescription;
        delete rule.help;
        rules++;
      }
    }
    writeFileSync(control, JSON.stringify(doc));
    const tool = multitool();
    const [results, controlResults] = await Promise.all([validate(tool, merged), validate(tool, control)]);
    const errors = results.filter((r) => r.level === 'error');
    const warnings = results.filter((r) => r.level === 'warning');
    // Warnings are GitHub's advice (not refusals): reported, not failed on.
    console.info(
      `SARIF Multitool on the merge of ${fixtures.length} reports: ${errors.length} error(s), ${warnings.length} warning(s) ${JSON.stringify(countByRule(warnings))}`,
    );
    expect(countByRule(errors)).toEqual({});
    // Every run names a known tool, so each has its informationUri (SARIF2005 otherwise).
    expect(countByRule(warnings)).toEqual({});
    expect(rules).toBeGreaterThan(100);
    expect(countByRule(controlResults.filter((r) => r.level === 'error'))).toEqual({ GH2012: 2 * rules });
  }, 300_000);
});
