import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './paths.js';
import {
  type AnnotationRecord,
  annotationsOf,
  parseFileCommand,
  parseWorkflowCommands,
  type WorkflowCommand,
} from './workflow-commands.js';

export type Stage = 'pre' | 'main' | 'post';

export interface RunOptions {
  /** Input values by name as in action.yml; missing ones get action.yml's defaults. */
  inputs?: Record<string, string | number | boolean>;
  /** GITHUB_WORKSPACE and the step's cwd; a fresh temp dir by default. */
  workspace?: string;
  /** Extra environment (wins over the runner's). */
  env?: Record<string, string>;
  event?: Record<string, unknown>;
  eventName?: string;
  /** Stages to run in order; default: those action.yml declares. */
  stages?: Stage[];
  /** Node binary; default the one running the tests (Node 24 here, like runs.using: node24). */
  node?: string;
  /** Per stage; the child is killed with SIGKILL after it. */
  timeoutMs?: number;
  /** Cancel main like a cancelled job: SIGTERM after this long… */
  killMainAfterMs?: number;
  /** …or as soon as main's stdout so far satisfies this. */
  killMainWhen?: (stdoutSoFar: string) => boolean;
  /** The signal used for cancellation (the runner sends SIGINT, then SIGTERM). */
  killSignal?: NodeJS.Signals;
}

export interface StageResult {
  stage: Stage;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  killed: boolean;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  env: Record<string, string>;
  path: string[];
  summary: string;
  commands: WorkflowCommand[];
  durationMs: number;
}

export interface RunResult {
  /** main's exit code (null when killed by a signal). */
  exitCode: number | null;
  outputs: Record<string, string>;
  /** The job summary of all stages, in order. */
  summary: string;
  annotations: AnnotationRecord[];
  commands: WorkflowCommand[];
  /** Values registered with ::add-mask::. */
  masks: string[];
  stdout: string;
  stderr: string;
  state: Record<string, string>;
  workspace: string;
  stages: StageResult[];
}

interface ActionYaml {
  inputs?: Record<string, { default?: string | number | boolean }>;
  runs: { using: string; main: string; pre?: string; post?: string };
}

/** The runner's INPUT_ name: spaces become underscores, upper-cased, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

const RUNNER_VARS = /^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)|^(CI|ACT)$/;

function evaluateDefault(value: string, context: Record<string, string>): string {
  // Only the expressions action.yml defaults use in practice.
  return value.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, expr: string) => context[expr] ?? '');
}

function runnerEnv(workspace: string, temp: string, eventPath: string, options: RunOptions): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !RUNNER_VARS.test(k)) base[k] = v;
  delete base.NODE_ICU_DATA;
  delete base.NODE_OPTIONS;
  const eventName = options.eventName ?? 'push';
  return {
    ...base,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: eventName,
    GITHUB_REPOSITORY: 'spikeformer/spikeformer-kit',
    GITHUB_REPOSITORY_ID: '700000001',
    GITHUB_REPOSITORY_OWNER: 'spikeformer',
    GITHUB_REPOSITORY_OWNER_ID: '100000001',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_REF_TYPE: 'branch',
    GITHUB_RUN_ID: '9000000001',
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'test',
    GITHUB_ACTOR: 'octocat',
    GITHUB_ACTOR_ID: '583231',
    GITHUB_TRIGGERING_ACTOR: 'octocat',
    GITHUB_WORKFLOW: 'CI',
    GITHUB_WORKFLOW_REF: 'spikeformer/spikeformer-kit/.github/workflows/ci.yml@refs/heads/main',
    GITHUB_WORKFLOW_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
    GITHUB_ACTION: '__run',
    GITHUB_RETENTION_DAYS: '90',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'spikeformer-harness',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: path.join(temp, '_tool'),
    ...options.env,
  };
}

interface StageRun {
  script: string;
  env: Record<string, string>;
  cwd: string;
  node: string;
  timeoutMs: number;
  kill?: { afterMs?: number; when?: (s: string) => boolean; signal: NodeJS.Signals };
}

function runStage(stage: Stage, dir: string, run: StageRun): Promise<StageResult> {
  mkdirSync(dir, { recursive: true });
  const files = {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STATE: path.join(dir, 'state'),
    GITHUB_ENV: path.join(dir, 'env'),
    GITHUB_PATH: path.join(dir, 'path'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(run.node, [run.script], {
      cwd: run.cwd,
      env: { ...run.env, ...files },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    let timedOut = false;
    const cancel = (): void => {
      if (killed || !run.kill) return;
      killed = true;
      child.kill(run.kill.signal);
    };
    const killTimer = run.kill?.afterMs !== undefined ? setTimeout(cancel, run.kill.afterMs) : undefined;
    const timeout = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, run.timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      if (run.kill?.when?.(stdout)) cancel();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timeout);
      if (killTimer) clearTimeout(killTimer);
      const read = (f: string): string => readFileSync(f, 'utf8');
      resolve({
        stage,
        exitCode,
        signal,
        killed,
        timedOut,
        stdout,
        stderr,
        outputs: parseFileCommand(read(files.GITHUB_OUTPUT)),
        state: parseFileCommand(read(files.GITHUB_STATE)),
        env: parseFileCommand(read(files.GITHUB_ENV)),
        path: read(files.GITHUB_PATH)
          .split('\n')
          .filter((l) => l.trim() !== ''),
        summary: read(files.GITHUB_STEP_SUMMARY),
        commands: parseWorkflowCommands(stdout),
        durationMs: performance.now() - started,
      });
    });
  });
}

/**
 * Runs a bundled action (actions/<name>/dist) as the GitHub runner does: inputs as INPUT_*
 * with action.yml's defaults, fresh file-command files per stage, pre → main → post chained
 * through STATE_*, env and path exports carried forward, an event payload file.
 */
export async function runBundledAction(actionDir: string, options: RunOptions = {}): Promise<RunResult> {
  const dir = path.resolve(repoRoot, actionDir);
  const meta = parse(readFileSync(path.join(dir, 'action.yml'), 'utf8')) as ActionYaml;
  const temp = mkdtempSync(path.join(tmpdir(), 'sf-runner-'));
  const workspace = options.workspace ?? mkdtempSync(path.join(tmpdir(), 'sf-workspace-'));
  const eventPath = path.join(temp, 'event.json');
  writeFileSync(eventPath, JSON.stringify(options.event ?? {}));
  let env = runnerEnv(workspace, temp, eventPath, options);

  const context: Record<string, string> = {
    'github.token': env.GITHUB_TOKEN ?? '',
    'github.workspace': workspace,
    'github.repository': env.GITHUB_REPOSITORY ?? '',
    'github.sha': env.GITHUB_SHA ?? '',
    'github.ref': env.GITHUB_REF ?? '',
    'runner.temp': temp,
  };
  for (const [name, spec] of Object.entries(meta.inputs ?? {})) {
    const given = options.inputs?.[name];
    const value =
      given !== undefined
        ? String(given)
        : spec.default !== undefined
          ? evaluateDefault(String(spec.default), context)
          : '';
    env[inputEnvName(name)] = value;
  }
  for (const name of Object.keys(options.inputs ?? {})) {
    if (!(name in (meta.inputs ?? {})))
      throw new Error(`runBundledAction: ${actionDir}/action.yml declares no input '${name}'`);
  }

  const declared: Stage[] = [
    ...(meta.runs.pre ? (['pre'] as const) : []),
    'main',
    ...(meta.runs.post ? (['post'] as const) : []),
  ];
  const stages = options.stages ?? declared;
  const scripts: Record<Stage, string | undefined> = { pre: meta.runs.pre, main: meta.runs.main, post: meta.runs.post };
  const results: StageResult[] = [];
  const state: Record<string, string> = {};
  let extraPath: string[] = [];
  for (const stage of stages) {
    const script = scripts[stage];
    if (!script) throw new Error(`runBundledAction: ${actionDir}/action.yml has no runs.${stage}`);
    const stageEnv: Record<string, string> = { ...env };
    for (const [k, v] of Object.entries(state)) stageEnv[`STATE_${k}`] = v;
    if (extraPath.length > 0) stageEnv.PATH = [...extraPath, env.PATH ?? ''].join(path.delimiter);
    const result = await runStage(stage, path.join(temp, `stage-${results.length}-${stage}`), {
      script: path.join(dir, script),
      env: stageEnv,
      cwd: workspace,
      node: options.node ?? process.execPath,
      timeoutMs: options.timeoutMs ?? 120_000,
      ...(stage === 'main' && (options.killMainAfterMs !== undefined || options.killMainWhen)
        ? {
            kill: {
              ...(options.killMainAfterMs !== undefined ? { afterMs: options.killMainAfterMs } : {}),
              ...(options.killMainWhen ? { when: options.killMainWhen } : {}),
              signal: options.killSignal ?? 'SIGTERM',
            },
          }
        : {}),
    });
    results.push(result);
    Object.assign(state, result.state);
    env = { ...env, ...result.env };
    extraPath = [...result.path.reverse(), ...extraPath];
  }
  // The runner's temp dir goes with the job; the workspace stays for the test to inspect.
  rmSync(temp, { recursive: true, force: true });
  const main = results.find((r) => r.stage === 'main');
  const commands = results.flatMap((r) => r.commands);
  return {
    exitCode: main ? main.exitCode : null,
    outputs: Object.assign({}, ...results.map((r) => r.outputs)) as Record<string, string>,
    summary: results.map((r) => r.summary).join(''),
    annotations: annotationsOf(commands),
    commands,
    masks: commands.filter((c) => c.command === 'add-mask').map((c) => c.message),
    stdout: results.map((r) => r.stdout).join(''),
    stderr: results.map((r) => r.stderr).join(''),
    state,
    workspace,
    stages: results,
  };
}
