// The durable baselines of ci.yml: which run's artifact a run reads (its `find` step, run with a
// stand-in `gh` that serves recorded REST answers), what a missing baseline does under each
// policy (its `policy` step), and that only a push to the default branch writes one.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { data, Evaluator } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../scripts/lib/actions.ts';
import { parseExpression } from './lib/wiring-expressions.ts';

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
const ci = parse(readFileSync(path.join(repoRoot, 'workflows-examples/ci.yml'), 'utf8')) as {
  jobs: Record<string, { steps: Step[] }>;
};
const step = (job: string, pick: (s: Step) => boolean): Step => {
  const found = ci.jobs[job]?.steps.find(pick);
  if (!found) throw new Error(`no such step in ${job}`);
  return found;
};
const findScript = step('baselines', (s) => s.id === 'find').run ?? '';
const policyScript = step('security', (s) => s.id === 'policy').run ?? '';

const REPO = 'org/spikeformer-kit';
const REPO_ID = 4242;

/** A stand-in for `gh api PATH [--jq EXPR]`: answers from recorded JSON, 404 otherwise. */
function fakeGh(answers: Record<string, unknown>): { bin: string; fixtures: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-baselines-'));
  const bin = path.join(dir, 'bin');
  const fixtures = path.join(dir, 'fixtures');
  mkdirSync(bin);
  mkdirSync(fixtures);
  for (const [apiPath, body] of Object.entries(answers))
    writeFileSync(path.join(fixtures, apiPath.replace(/[^A-Za-z0-9]/g, '_')), JSON.stringify(body));
  writeFileSync(
    path.join(bin, 'gh'),
    [
      '#!/bin/bash',
      '[ "$1" = api ] || exit 2',
      "f=\"$FIXTURES/$(printf '%s' \"$2\" | tr -c 'A-Za-z0-9' '_')\"",
      '[ -f "$f" ] || { echo "gh: Not Found (HTTP 404)" >&2; exit 1; }',
      'if [ "$3" = --jq ]; then jq -r "$4" "$f"; else cat "$f"; fi',
      '',
    ].join('\n'),
  );
  chmodSync(path.join(bin, 'gh'), 0o755);
  return { bin, fixtures };
}

/** Runs a step's script as the runner does (bash -e), with GITHUB_OUTPUT; returns its outputs. */
function runStep(
  script: string,
  env: Record<string, string>,
): { status: number | null; outputs: Record<string, string>; stdout: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sf-step-'));
  const output = path.join(dir, 'output');
  writeFileSync(output, '');
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env, GITHUB_OUTPUT: output, GITHUB_REPOSITORY: REPO, RUNNER_TEMP: dir },
    timeout: 30_000,
  });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { status: result.status, outputs, stdout: result.stdout };
}

const artifact = (
  name: string,
  runId: number,
  branch: string,
  created: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  name,
  expired: false,
  created_at: created,
  workflow_run: { id: runId, repository_id: REPO_ID, head_repository_id: REPO_ID, head_branch: branch },
  ...extra,
});
const listing = (name: string): string => `repos/${REPO}/actions/artifacts?name=${name}&per_page=100`;
const run = (id: number, event: string): [string, unknown] => [`repos/${REPO}/actions/runs/${id}`, { id, event }];

describe('finding the accepted baseline', () => {
  const find = (answers: Record<string, unknown>, defaultBranch = 'main'): Record<string, string> => {
    const gh = fakeGh(answers);
    const result = runStep(findScript, {
      PATH: `${gh.bin}:${process.env.PATH ?? ''}`,
      FIXTURES: gh.fixtures,
      GH_TOKEN: 'token',
      DEFAULT_BRANCH: defaultBranch,
    });
    expect(result.status).toBe(0);
    return result.outputs;
  };

  it("a pull request's run reads the newest artifact a push to the default branch stored", () => {
    const outputs = find({
      [listing('spikeformer-security-baseline')]: {
        artifacts: [
          // A fork's pull request named its branch main and uploaded an artifact of the same name.
          artifact('spikeformer-security-baseline', 31, 'main', '2026-12-05T10:00:00Z', {
            workflow_run: { id: 31, repository_id: REPO_ID, head_repository_id: 999, head_branch: 'main' },
          }),
          // A same-repository pull request whose head branch is main.
          artifact('spikeformer-security-baseline', 30, 'main', '2026-12-05T09:00:00Z'),
          artifact('spikeformer-security-baseline', 21, 'develop', '2026-12-05T08:00:00Z'),
          artifact('spikeformer-security-baseline', 20, 'main', '2026-12-04T08:00:00Z'),
          artifact('spikeformer-security-baseline', 12, 'main', '2026-12-03T08:00:00Z'),
          artifact('spikeformer-security-baseline', 40, 'main', '2026-12-05T11:00:00Z', { expired: true }),
        ],
      },
      [listing('spikeformer-benchmark-history')]: {
        artifacts: [artifact('spikeformer-benchmark-history', 12, 'main', '2026-12-03T08:00:00Z')],
      },
      ...Object.fromEntries([run(30, 'pull_request'), run(20, 'push'), run(12, 'push'), run(31, 'pull_request')]),
    });
    expect(outputs).toEqual({ 'security-run-id': '20', 'benchmark-run-id': '12' });
  });

  it('a scheduled run, whose event names no repository, asks the API for the default branch', () => {
    const stored = {
      [listing('spikeformer-security-baseline')]: {
        artifacts: [
          artifact('spikeformer-security-baseline', 20, 'trunk', '2026-12-04T08:00:00Z'),
          artifact('spikeformer-security-baseline', 21, 'main', '2026-12-05T08:00:00Z'),
        ],
      },
      [listing('spikeformer-benchmark-history')]: { artifacts: [] },
      ...Object.fromEntries([run(20, 'push'), run(21, 'push')]),
    };
    expect(find({ ...stored, [`repos/${REPO}`]: { default_branch: 'trunk' } }, '')).toEqual({
      'security-run-id': '20',
      'benchmark-run-id': '',
    });
    // Without an answer there is no branch to trust, so no baseline.
    expect(find(stored, '')).toEqual({ 'security-run-id': '', 'benchmark-run-id': '' });
  });

  it('nothing stored, or everything expired: both ids are empty', () => {
    const outputs = find({
      [listing('spikeformer-security-baseline')]: {
        artifacts: [artifact('spikeformer-security-baseline', 40, 'main', '2026-09-01T11:00:00Z', { expired: true })],
      },
      [listing('spikeformer-benchmark-history')]: { artifacts: [] },
    });
    expect(outputs).toEqual({ 'security-run-id': '', 'benchmark-run-id': '' });
  });

  it('an API error counts as no baseline (the policy step then says so), not as a crash', () => {
    expect(find({})).toEqual({ 'security-run-id': '', 'benchmark-run-id': '' });
  });

  it('nothing is kept in the cache, so a cache eviction changes nothing', () => {
    const uses = Object.values(ci.jobs).flatMap((j) => j.steps.map((s) => s.uses ?? ''));
    expect(uses.filter((u) => u.startsWith('actions/cache'))).toEqual([]);
    expect(step('security', (s) => s.name === 'Download the accepted baseline').with).toEqual({
      name: 'spikeformer-security-baseline',
      'run-id': '${{ needs.baselines.outputs.security-run-id }}',
      'github-token': '${{ github.token }}',
      path: '.security-baseline',
    });
  });
});

describe('the missing-baseline policy', () => {
  const policy = (value: string, runId: string, withFile: boolean): ReturnType<typeof runStep> => {
    const script = withFile
      ? `mkdir -p .security-baseline && echo '{}' > .security-baseline/security-scan.json\n${policyScript}`
      : policyScript;
    return runStep(script, { POLICY: value, FAIL_ON: 'high', RUN_ID: runId });
  };
  const missing =
    'no accepted baseline: no push to the default branch left a spikeformer-security-baseline artifact that has not expired';

  it.each(['all-findings', 'new-only-off', 'fail'])(
    '%s: a baseline that was found is used with the configured threshold',
    (value) => {
      const result = policy(value, '20', true);
      expect([result.status, result.outputs]).toEqual([
        0,
        { baseline: '.security-baseline/security-scan.json', 'fail-on': 'high' },
      ]);
    },
  );

  it('all-findings: every finding is judged against fail-on, with a warning', () => {
    const result = policy('all-findings', '', false);
    expect([result.status, result.outputs]).toEqual([0, { 'fail-on': 'high' }]);
    expect(result.stdout).toBe(
      `::warning title=security baseline::${missing}; every finding is judged against fail-on (on-missing-baseline: all-findings)\n`,
    );
  });

  it('new-only-off: every finding is reported and none fails the gate, with a warning', () => {
    const result = policy('new-only-off', '', false);
    expect([result.status, result.outputs]).toEqual([0, { 'fail-on': 'none' }]);
    expect(result.stdout).toBe(
      `::warning title=security baseline::${missing}; every finding is reported and none fails the gate (on-missing-baseline: new-only-off)\n`,
    );
  });

  it('fail: the job fails with the reason', () => {
    const result = policy('fail', '', false);
    expect([result.status, result.outputs]).toEqual([1, {}]);
    expect(result.stdout).toBe(`::error title=security baseline::${missing} (on-missing-baseline: fail)\n`);
  });

  it('an id whose download left no file is a missing baseline too', () => {
    expect(policy('fail', '20', false).status).toBe(1);
  });

  it('an unknown policy is refused before anything is judged', () => {
    const result = policy('ignore', '20', true);
    expect([result.status, result.outputs, result.stdout]).toEqual([
      1,
      {},
      '::error title=security baseline::input on-missing-baseline must be all-findings, new-only-off or fail\n',
    ]);
  });
});

describe('who writes the baselines', () => {
  const status: Map<string, FunctionDefinition> = new Map(
    (['success', 'always'] as const).map((name) => [
      name,
      { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(true) },
    ]),
  );
  const holds = (condition: string, github: Record<string, unknown>): boolean => {
    const steps = {
      scan: { outputs: { 'json-file': 'security-scan.json' } },
      gate: { outputs: { 'json-file': 'benchmark-gate.json' } },
    };
    const context = JSON.parse(JSON.stringify({ github, steps, inputs: {} }), data.reviver) as data.Dictionary;
    return truthy(new Evaluator(parseExpression(condition), context, status).evaluate());
  };
  const writers = [
    step('security', (s) => s.name === 'Keep the findings as the next baseline'),
    step('benchmarks', (s) => s.name === 'Keep the history for the next run'),
  ];
  const event = (name: string, ref: string) => ({
    event_name: name,
    ref_name: ref,
    event: { repository: { default_branch: 'main' } },
  });

  it('both upload to the artifact names the find step looks for', () => {
    expect(writers.map((w) => [w.uses?.replace(/@.*/, ''), w.with?.name])).toEqual([
      ['actions/upload-artifact', 'spikeformer-security-baseline'],
      ['actions/upload-artifact', 'spikeformer-benchmark-history'],
    ]);
  });

  it.each([
    ['push', 'main', true],
    ['push', 'develop', false],
    ['pull_request', 'main', false],
    ['pull_request', '7/merge', false],
    ['schedule', 'main', false],
    ['workflow_dispatch', 'main', false],
  ])('%s on %s writes: %s', (name, ref, writes) => {
    expect(writers.map((w) => holds(w.if ?? 'true', event(name, ref)))).toEqual([writes, writes]);
  });
});
