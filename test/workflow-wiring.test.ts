// The wiring check over every reusable workflow, example caller and documented caller, the
// mistakes it must catch (seeded into copies of the real templates), the permission records it
// reads, and the Kit's branch rules evaluated with GitHub's expression library.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { data, Evaluator } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionNames, repoRoot } from '../scripts/lib/actions.ts';
import { lookupAction, recordInActionYml, THIRD_PARTY, type PermissionRecord } from './lib/wiring-actions.ts';
import { contextRefs, parseExpression } from './lib/wiring-expressions.ts';
import {
  docWorkflows,
  exampleTexts,
  templateModels,
  templateTexts,
  wiringProblems,
  type WorkflowText,
} from './lib/wiring-files.ts';
import { readWorkflow, type JobModel, type WorkflowModel } from './lib/wiring-model.ts';
import { actionlintProblems, workflowProblems } from './validators.ts';

const templates = templateTexts(repoRoot);
const examples = exampleTexts(repoRoot);
const cloudCallers = docWorkflows(repoRoot, 'docs/clouds.md');
const credentialCallers = docWorkflows(repoRoot, 'docs/deploy-credentials.md');

/** The end of the preview deploy job of spikeformer-ci.yml. */
const PREVIEW_INHERIT =
  "      smoke-backends: float-ref\n    # KUBECONFIG and PROMETHEUS_TOKEN are secrets of each environment; only the deploy job,\n    # under that environment's protection rules, sees their values (docs/deploy-credentials.md).\n    secrets: inherit\n";

const byName = (list: WorkflowText[], name: string): WorkflowText => {
  const found = list.find((t) => path.basename(t.file) === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
};
const lineOf = (text: string, needle: string): number => {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line with ${needle}`);
  return i + 1;
};
/** A copy of a file with one exact text replaced (which must occur once). */
const seeded = (file: WorkflowText, from: string, to: string): WorkflowText => {
  expect(file.content.split(from).length, `${file.file} holds ${from} once`).toBe(2);
  return { file: file.file, content: file.content.replace(from, to) };
};
/** Problems of the given files, with the templates replaced by any seeded copies among them. */
const problemsOf = (files: WorkflowText[], explicit: Parameters<typeof wiringProblems>[3] = []): string[] => {
  const seededTemplates = templates.map((t) => files.find((f) => f.file === t.file) ?? t);
  return wiringProblems(repoRoot, files, templateModels(repoRoot, seededTemplates), explicit);
};

describe('wiring of the templates and callers', () => {
  it('there are templates, example callers and one documented caller per cluster access', () => {
    expect(templates.map((t) => path.basename(t.file))).toEqual(['ci.yml', 'deploy.yml', 'release.yml']);
    expect(examples.map((t) => path.basename(t.file))).toEqual([
      'act-sample.yml',
      'nightly-security.yml',
      'spikeformer-ci.yml',
      'spikeformer-release.yml',
    ]);
    expect(cloudCallers.map((c) => /cluster-access: (\w+)/.exec(c.content)?.[1])).toEqual(['eks', 'aks', 'gke']);
    expect(credentialCallers.length).toBe(1);
  });

  it.each([...templates, ...examples].map((t) => [t.file, t]))(
    '%s: every reference is declared and produced, secrets and permissions are wired',
    (_f, file) => {
      expect(problemsOf([file])).toEqual([]);
    },
  );

  it.each([...cloudCallers, ...credentialCallers].map((t) => [t.file, t]))(
    '%s (documented caller): workflow parser, actionlint and the wiring check',
    async (_f, file) => {
      expect(workflowProblems(file.file, file.content)).toEqual([]);
      expect(await actionlintProblems(file.file, file.content)).toEqual([]);
      expect(problemsOf([file])).toEqual([]);
    },
  );
});

describe('seeded mistakes the wiring check catches', () => {
  const deploy = byName(templates, 'deploy.yml');
  const ci = byName(templates, 'ci.yml');
  const release = byName(templates, 'release.yml');
  const caller = byName(examples, 'spikeformer-ci.yml');

  it('a misspelled secret in a template', () => {
    const bad = seeded(
      deploy,
      'KUBECONFIG_SECRET: ${{ secrets.KUBECONFIG }}',
      'KUBECONFIG_SECRET: ${{ secrets.KUBECONFG }}',
    );
    expect(problemsOf([bad])).toEqual([
      `workflows-examples/deploy.yml:${lineOf(deploy.content, '      KUBECONFIG:')}: secret KUBECONFIG is declared but never used`,
      `workflows-examples/deploy.yml:${lineOf(bad.content, 'secrets.KUBECONFG')}: secrets.KUBECONFG is not declared under on.workflow_call.secrets, so no caller can pass it`,
    ]);
  });

  it('a misspelled secret passed by a caller', () => {
    const bad = seeded(
      caller,
      PREVIEW_INHERIT,
      '      smoke-backends: float-ref\n    secrets:\n      PROMETHEUS_TOKN: ${{ secrets.PROMETHEUS_TOKEN }}\n',
    );
    // The misspelled name is refused, and the real ones arrive empty.
    const job = lineOf(bad.content, '  deploy-preview:');
    expect(problemsOf([bad])).toEqual([
      `workflows-examples/examples/spikeformer-ci.yml:${lineOf(bad.content, 'PROMETHEUS_TOKN')}: job deploy-preview passes secret PROMETHEUS_TOKN, which deploy.yml does not declare`,
      `workflows-examples/examples/spikeformer-ci.yml:${job}: job deploy-preview neither passes nor inherits secret REGISTRY_USERNAME, which deploy.yml reads in job verify: it arrives empty`,
      `workflows-examples/examples/spikeformer-ci.yml:${job}: job deploy-preview neither passes nor inherits secret REGISTRY_PASSWORD, which deploy.yml reads in job verify: it arrives empty`,
      `workflows-examples/examples/spikeformer-ci.yml:${job}: job deploy-preview neither passes nor inherits secret KUBECONFIG, which deploy.yml reads in job deploy: it arrives empty`,
      `workflows-examples/examples/spikeformer-ci.yml:${job}: job deploy-preview neither passes nor inherits secret PROMETHEUS_TOKEN, which deploy.yml reads in job deploy: it arrives empty`,
    ]);
  });

  it('an undeclared input in a template', () => {
    const bad = seeded(
      ci,
      'min-diff-coverage: ${{ inputs.min-diff-coverage }}',
      'min-diff-coverage: ${{ inputs.min-diff-coverag }}',
    );
    expect(problemsOf([bad])).toEqual([
      `workflows-examples/ci.yml:${lineOf(ci.content, '      min-diff-coverage:')}: input min-diff-coverage is declared but never used`,
      `workflows-examples/ci.yml:${lineOf(bad.content, 'inputs.min-diff-coverag }}')}: inputs.min-diff-coverag is not a declared input (on.workflow_call.inputs / on.workflow_dispatch.inputs)`,
    ]);
  });

  it('an undeclared input passed by a caller, and a required one left out', () => {
    const bad = seeded(caller, '      canary-pause: 10m\n', '      canary-paus: 10m\n');
    const noService = seeded(
      bad,
      '      namespace: spikeformer-staging\n      deployment: spikeformer-api\n      service: spikeformer-api\n',
      '      namespace: spikeformer-staging\n      deployment: spikeformer-api\n',
    );
    expect(problemsOf([noService])).toEqual([
      `workflows-examples/examples/spikeformer-ci.yml:${lineOf(noService.content, 'canary-paus:')}: job deploy-production passes input canary-paus, which deploy.yml does not declare`,
      `workflows-examples/examples/spikeformer-ci.yml:${lineOf(noService.content, '  deploy-staging:')}: job deploy-staging does not pass the required input service of deploy.yml`,
    ]);
  });

  it('a missing permission: keyless signing without id-token: write', () => {
    const bad = seeded(
      release,
      "      id-token: write # keyless signing: the job's OIDC token becomes the signer identity\n",
      '',
    );
    expect(problemsOf([bad])).toEqual([
      `workflows-examples/release.yml:${lineOf(bad.content, '        uses: org/spikeformer-actions/sign@v1') - 1}: job sign needs id-token: write for org/spikeformer-actions/sign (keyless signing: the job OIDC token becomes the Fulcio certificate identity), but has id-token: none`,
    ]);
  });

  it('a missing permission: the benchmark comment without pull-requests: write', () => {
    const bad = seeded(ci, '      pull-requests: write # the comparison as a pull request comment\n', '');
    expect(problemsOf([bad])).toEqual([
      `workflows-examples/ci.yml:${lineOf(bad.content, 'uses: org/spikeformer-actions/benchmark-gate@v1') - 1}: job benchmarks needs pull-requests: write for org/spikeformer-actions/benchmark-gate (posts and updates the verdict as a pull request comment), but has pull-requests: none`,
    ]);
  });

  it('a missing permission: a run step that uploads SARIF without security-events: write', () => {
    const bad = seeded(ci, '      security-events: write # the SARIF upload to code scanning\n', '');
    const callers = examples.filter((e) => e.content.includes('workflows/ci.yml@v1'));
    expect(problemsOf([bad, ...callers])).toEqual([
      `workflows-examples/ci.yml:${lineOf(bad.content, '- name: Upload the SARIF to code scanning')}: job security needs security-events: write for a run step that uploads SARIF to code scanning, but has security-events: none`,
      ...callers.map(
        (c) =>
          `${c.file}:${lineOf(c.content, 'uses: org/spikeformer-actions/.github/workflows/ci.yml@v1') - 1}: job ${c.file.includes('nightly') ? 'scan' : 'ci'} allows security-events: write, which no job of ci.yml asks for`,
      ),
    ]);
  });

  it("a caller's ceiling below what the template's jobs ask for", () => {
    const bad = seeded(
      caller,
      '    permissions:\n      contents: read\n      packages: read\n      id-token: write\n      deployments: write # deploy.yml records each deploy as a GitHub Deployment\n    with:\n      environment: staging\n',
      '    permissions:\n      contents: read\n      packages: read\n      deployments: write # deploy.yml records each deploy as a GitHub Deployment\n    with:\n      environment: staging\n',
    );
    expect(problemsOf([bad])).toEqual([
      `workflows-examples/examples/spikeformer-ci.yml:${lineOf(bad.content, '  deploy-staging:')}: job deploy-staging allows id-token: none, but deploy.yml asks for id-token: write`,
    ]);
  });

  it('id-token: write where nothing signs or logs in to a cloud', () => {
    const bad = seeded(
      ci,
      '      security-events: write # the SARIF upload to code scanning\n',
      '      security-events: write # the SARIF upload to code scanning\n      id-token: write\n',
    );
    const callers = examples.filter((e) => e.content.includes('workflows/ci.yml@v1'));
    expect(problemsOf([bad, ...callers])).toEqual([
      `workflows-examples/ci.yml:${lineOf(bad.content, '  security:')}: job security has id-token: write but neither signs keyless nor logs in to a cloud`,
      ...callers.map(
        (c) =>
          `${c.file}:${lineOf(c.content, 'uses: org/spikeformer-actions/.github/workflows/ci.yml@v1') - 1}: job ${c.file.includes('nightly') ? 'scan' : 'ci'} allows id-token: none, but ci.yml asks for id-token: write`,
      ),
    ]);
  });

  it('a step output nobody writes, and needs without the job', () => {
    const bad = seeded(
      deploy,
      'name: verify-provenance-${{ steps.slug.outputs.slug }}',
      'name: verify-provenance-${{ steps.slug.outputs.slugs }}',
    );
    const worse = seeded(
      bad,
      "    needs: deploy\n    if: inputs.smoke-graph != ''\n",
      "    if: inputs.smoke-graph != '' && needs.deploy.result == 'success'\n",
    );
    expect(problemsOf([worse])).toEqual([
      `workflows-examples/deploy.yml:${lineOf(worse.content, 'steps.slug.outputs.slugs')}: steps.slug.outputs.slugs: step slug never writes slugs to $GITHUB_OUTPUT`,
      `workflows-examples/deploy.yml:${lineOf(worse.content, "needs.deploy.result == 'success'")}: needs.deploy.result: job smoke does not list deploy in needs`,
    ]);
  });

  it('an output our action does not declare', () => {
    const bad = seeded(
      deploy,
      'status: ${{ steps.blue-green.outputs.status || steps.canary.outputs.status }}',
      'status: ${{ steps.blue-green.outputs.state || steps.canary.outputs.status }}',
    );
    expect(problemsOf([bad])).toEqual([
      `workflows-examples/deploy.yml:${lineOf(bad.content, 'outputs.state ||')}: steps.blue-green.outputs.state: org/spikeformer-actions/blue-green has no output state (actions/blue-green/permissions.yml)`,
    ]);
  });
});

describe('environment-scoped credentials', () => {
  const caller = byName(examples, 'spikeformer-ci.yml');
  const explicit = seeded(
    caller,
    PREVIEW_INHERIT,
    '      smoke-backends: float-ref\n    secrets:\n      KUBECONFIG: ${{ secrets.PREVIEW_KUBECONFIG }}\n      PROMETHEUS_TOKEN: ${{ secrets.PROMETHEUS_TOKEN }}\n' +
      '      REGISTRY_USERNAME: ${{ secrets.REGISTRY_USERNAME }}\n      REGISTRY_PASSWORD: ${{ secrets.REGISTRY_PASSWORD }}\n',
  );
  const guarded = (secret: string, needle: string): string =>
    `workflows-examples/examples/spikeformer-ci.yml:${lineOf(explicit.content, needle)}: job deploy-preview passes secret ${secret} explicitly, but deploy.yml reads it in job deploy under an environment: the value comes from this caller job, which has no environment, so it is a repository or organisation secret that no environment protection guards; use secrets: inherit and keep ${secret} in each environment (docs/deploy-credentials.md)`;

  it('a repository-level secret passed explicitly to the environment job fails the check', () => {
    // The registry secrets are read in the verify job, which has no environment: passing them is fine.
    expect(problemsOf([explicit])).toEqual([
      guarded('KUBECONFIG', 'PREVIEW_KUBECONFIG'),
      guarded('PROMETHEUS_TOKEN', 'PROMETHEUS_TOKEN: ${{ secrets.PROMETHEUS_TOKEN }}'),
    ]);
  });

  it('passes with a named allowance, which says what protection is given up', () => {
    const allowance = (secret: string) => ({
      file: explicit.file,
      job: 'deploy-preview',
      secret,
      reason: 'preview cluster, repository-level on purpose: any workflow of the repository can read it',
    });
    expect(problemsOf([explicit], [allowance('KUBECONFIG')])).toEqual([
      guarded('PROMETHEUS_TOKEN', 'PROMETHEUS_TOKEN: ${{ secrets.PROMETHEUS_TOKEN }}'),
    ]);
    expect(problemsOf([explicit], [allowance('KUBECONFIG'), allowance('PROMETHEUS_TOKEN')])).toEqual([]);
  });

  it('the environment job reads its cluster credential only through the inherited name, and only that job holds id-token: write', () => {
    const model = readWorkflow('deploy.yml', byName(templates, 'deploy.yml').content);
    const withToken = [...model.jobs.values()]
      .filter((j) => j.permissions?.get('id-token') === 'write')
      .map((j) => j.id);
    expect(withToken).toEqual(['deploy']);
    expect(model.jobs.get('deploy')?.environment?.expression).toBe('inputs.environment');
    expect([...(model.callable?.secrets.keys() ?? [])]).toEqual([
      'KUBECONFIG',
      'PROMETHEUS_TOKEN',
      'REGISTRY_USERNAME',
      'REGISTRY_PASSWORD',
    ]);
    for (const example of examples) {
      for (const job of readWorkflow(example.file, example.content).jobs.values()) {
        if (job.uses?.includes('/deploy.yml@'))
          expect([job.id, job.inheritSecrets, job.secrets.size]).toEqual([job.id, true, 0]);
      }
    }
  });
});

describe('the wiring check on the deploy stage as it stood (environment secret passed explicitly)', () => {
  it('fails', () => {
    // The environment-secret wiring the issue reports, reduced to its parts: a repository-level
    // secret passed by name to a template job that runs under an environment.
    const template: WorkflowText = {
      file: 'workflows-examples/deploy.yml',
      content:
        'on:\n  workflow_call:\n    inputs:\n      environment:\n        type: string\n        required: true\n    secrets:\n      kubeconfig:\n        required: false\n' +
        'permissions:\n  contents: read\njobs:\n  blue-green:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    environment:\n      name: ${{ inputs.environment }}\n' +
        '    steps:\n      - env:\n          KUBECONFIG_SECRET: ${{ secrets.kubeconfig }}\n        run: test -n "$KUBECONFIG_SECRET"\n',
    };
    const callerText: WorkflowText = {
      file: 'workflows-examples/examples/caller.yml',
      content:
        'on: push\npermissions:\n  contents: read\njobs:\n  deploy-production:\n    uses: org/spikeformer-actions/.github/workflows/deploy.yml@v1\n    with:\n      environment: production\n' +
        '    secrets:\n      kubeconfig: ${{ secrets.PRODUCTION_KUBECONFIG }}\n',
    };
    const models = templateModels(repoRoot, [template]);
    expect(wiringProblems(repoRoot, [callerText], models)).toEqual([
      'workflows-examples/examples/caller.yml:10: job deploy-production passes secret kubeconfig explicitly, but deploy.yml reads it in job blue-green under an environment: the value comes from this caller job, which has no environment, so it is a repository or organisation secret that no environment protection guards; use secrets: inherit and keep kubeconfig in each environment (docs/deploy-credentials.md)',
    ]);
  });
});

describe('permission records', () => {
  const actions = actionNames();
  const scopes = new Set([
    'actions',
    'attestations',
    'checks',
    'contents',
    'deployments',
    'id-token',
    'issues',
    'packages',
    'pages',
    'pull-requests',
    'security-events',
    'statuses',
  ]);

  it.each(actions)('%s: has its permission record (permissions.yml)', (name) => {
    expect(recordInActionYml(name, repoRoot), `actions/${name}/permissions.yml`).toBeDefined();
  });

  it.each(actions)('%s: scopes are GITHUB_TOKEN scopes and conditions read declared inputs', (name) => {
    const info = lookupAction(`org/spikeformer-actions/${name}@v1`, repoRoot);
    if ('unknown' in info) throw new Error(info.unknown);
    checkRecord(info.permissions, new Set(info.inputs?.keys()), scopes);
  });

  it('the third-party table names scopes and conditions the same way', () => {
    for (const entry of Object.values(THIRD_PARTY)) checkRecord(entry.permissions ?? {}, undefined, scopes);
  });

  it('only sign and the cloud logins may need id-token', () => {
    const needIdToken = [
      ...actions.filter((a) => (recordInActionYml(a, repoRoot) ?? {})['id-token']),
      ...Object.entries(THIRD_PARTY)
        .filter(([, t]) => t.permissions?.['id-token'])
        .map(([n]) => n),
    ];
    expect(needIdToken).toEqual([
      'sign',
      'aws-actions/configure-aws-credentials',
      'azure/login',
      'google-github-actions/auth',
    ]);
  });
});

function checkRecord(record: PermissionRecord, inputs: Set<string> | undefined, scopes: Set<string>): void {
  for (const [scope, need] of Object.entries(record)) {
    expect(scopes.has(scope), scope).toBe(true);
    expect(['read', 'write']).toContain(need.access);
    expect(need.why.length).toBeGreaterThan(10);
    if (!need.when) continue;
    parseExpression(need.when);
    for (const ref of contextRefs(need.when)) {
      expect(ref.context).toBe('inputs');
      if (inputs) expect(inputs.has(ref.path[0] ?? ''), `${need.when}: ${ref.path[0]}`).toBe(true);
    }
  }
}

describe("the Kit's branch rules", () => {
  const ci = readWorkflow('spikeformer-ci.yml', byName(examples, 'spikeformer-ci.yml').content);
  const tagged = readWorkflow('spikeformer-release.yml', byName(examples, 'spikeformer-release.yml').content);
  const nightly = readWorkflow('nightly-security.yml', byName(examples, 'nightly-security.yml').content);

  it.each([
    ['push', 'refs/heads/main', 'Add the LIF converter', 'production', 'blue-green'],
    ['push', 'refs/heads/main', 'Tune thresholds [canary]', 'production', 'canary'],
    ['push', 'refs/heads/develop', 'Add the LIF converter', 'staging', 'blue-green'],
    ['push', 'refs/heads/feature/loihi-profile', 'Add a profile', 'preview', 'blue-green'],
  ])('%s %s "%s" deploys to %s with %s', (event, ref, message, environment, strategy) => {
    const deploys = deploysFor(ci, { event_name: event, ref, event: { head_commit: { message } } });
    expect(deploys).toEqual([{ environment, strategy }]);
  });

  it('a pull request runs CI and deploys nothing', () => {
    const context = { event_name: 'pull_request', ref: 'refs/pull/7/merge', event: {} };
    expect(runningJobs(ci, context)).toEqual(['ci']);
    expect(deploysFor(ci, context)).toEqual([]);
  });

  it('the pipeline runs on pushes to main, develop and feature branches and on pull requests to main and develop', () => {
    expect(triggerFilter('spikeformer-ci.yml', 'push', 'branches')).toEqual(['main', 'develop', 'feature/**']);
    expect(triggerFilter('spikeformer-ci.yml', 'pull_request', 'branches')).toEqual(['main', 'develop']);
  });

  it('a tag releases: CI, signed release, then production from exactly what was signed', () => {
    expect(triggerFilter('spikeformer-release.yml', 'push', 'tags')).toEqual(['v*']);
    const context = {
      event_name: 'push',
      ref: 'refs/tags/v1.4.0',
      event: { head_commit: { message: 'Release 1.4.0' } },
    };
    expect(runningJobs(tagged, context)).toEqual(['ci', 'image', 'release', 'deploy']);
    expect(tagged.jobs.get('release')?.uses).toBe('org/spikeformer-actions/.github/workflows/release.yml@v1');
    expect(deploysFor(tagged, context)).toEqual([{ environment: 'production', strategy: 'canary' }]);
    expect(tagged.jobs.get('deploy')?.with.get('source-ref')?.literal).toBe('refs/tags/v*');
  });

  it('security scans run nightly on a schedule, through ci.yml', () => {
    expect([...nightly.events.keys()]).toEqual(['schedule', 'workflow_dispatch']);
    const raw = parse(byName(examples, 'nightly-security.yml').content) as { on: { schedule: { cron: string }[] } };
    expect(raw.on.schedule).toEqual([{ cron: '17 3 * * *' }]);
    expect(nightly.jobs.get('scan')?.uses).toBe('org/spikeformer-actions/.github/workflows/ci.yml@v1');
    expect(nightly.jobs.get('scan')?.with.get('quality-gate')?.literal).toBe('false');
  });

  it('the example repository has a Dependabot config for its Python dependencies, Dockerfile and workflows', () => {
    const file = path.join(repoRoot, 'docs/examples/dependabot.yml');
    expect(existsSync(file)).toBe(true);
    const config = parse(readFileSync(file, 'utf8')) as {
      version: number;
      updates: { 'package-ecosystem': string; directory: string; schedule: { interval: string } }[];
    };
    expect(config.version).toBe(2);
    expect(config.updates.map((u) => [u['package-ecosystem'], u.directory, u.schedule.interval])).toEqual([
      ['pip', '/', 'weekly'],
      ['docker', '/', 'weekly'],
      ['github-actions', '/', 'weekly'],
    ]);
    expect(byName(examples, 'spikeformer-ci.yml').content).toContain('docs/examples/dependabot.yml');
  });
});

type GitHubContext = { event_name: string; ref: string; event: Record<string, unknown> };

const STATUS: Map<string, FunctionDefinition> = new Map(
  (
    [
      ['success', true],
      ['always', true],
      ['failure', false],
      ['cancelled', false],
    ] as const
  ).map(([name, value]) => [name, { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value) }]),
);

function evaluate(expression: string, github: GitHubContext): data.ExpressionData {
  const context = JSON.parse(JSON.stringify({ github, inputs: {}, vars: {} }), data.reviver) as data.Dictionary;
  return new Evaluator(parseExpression(expression), context, STATUS).evaluate();
}

/** Jobs that run for an event when every job succeeds: all its needs ran and its `if` holds. */
function runningJobs(model: WorkflowModel, github: GitHubContext): string[] {
  const runs = new Map<string, boolean>();
  const decide = (job: JobModel): boolean => {
    const known = runs.get(job.id);
    if (known !== undefined) return known;
    const needsRan = job.needs.every((n) => {
      const need = model.jobs.get(n);
      return need !== undefined && decide(need);
    });
    const result = needsRan && (job.if === undefined || truthy(evaluate(job.if, github)));
    runs.set(job.id, result);
    return result;
  };
  return [...model.jobs.values()].filter(decide).map((j) => j.id);
}

function deploysFor(model: WorkflowModel, github: GitHubContext): { environment: string; strategy: string }[] {
  return runningJobs(model, github)
    .map((id) => model.jobs.get(id))
    .filter((j): j is JobModel => j?.uses?.includes('/deploy.yml@') === true)
    .map((j) => ({
      environment: valueFor(j, 'environment', github),
      strategy: valueFor(j, 'strategy', github) || 'blue-green',
    }));
}

function valueFor(job: JobModel, input: string, github: GitHubContext): string {
  const value = job.with.get(input);
  if (value?.expression !== undefined) return evaluate(value.expression, github).coerceString();
  return value?.literal ?? '';
}

function triggerFilter(file: string, event: string, filter: string): string[] {
  const raw = parse(byName(examples, file).content) as { on: Record<string, Record<string, string[]> | null> };
  return raw.on[event]?.[filter] ?? [];
}
