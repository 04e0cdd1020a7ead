// The wiring check: every reference in a workflow is declared and produced, every secret a
// reusable workflow reads reaches it the way its job needs, and every job's permissions cover
// what its actions need and nothing grants id-token: write without a reason. Each problem is one
// line, `file:line: message`.
import { data, Evaluator } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';
import { contextRefs, parseExpression } from './wiring-expressions.ts';
import { lookupAction, OWN_PREFIX, type ActionInfo } from './wiring-actions.ts';
import type { Access, JobModel, Permissions, Ref, StepModel, Value, WorkflowModel } from './wiring-model.ts';

/** A caller job allowed to pass a repository-level secret to an environment job, with why. */
export interface ExplicitSecretAllowance {
  file: string;
  job: string;
  secret: string;
  reason: string;
}

export interface WiringOptions {
  repoRoot: string;
  /**
   * The reusable workflows, by file name (`deploy.yml`), as `uses:
   * org/spikeformer-actions/.github/workflows/<name>@…` names them.
   */
  templates: Map<string, WorkflowModel>;
  explicitSecrets?: ExplicitSecretAllowance[];
}

const TEMPLATE_PREFIX = `${OWN_PREFIX}.github/workflows/`;
/** Names GitHub can store as a repository, organisation or environment secret. */
const STORABLE_SECRET = /^(?!GITHUB_)[A-Z_][A-Z0-9_]*$/i;

export function checkWiring(model: WorkflowModel, options: WiringOptions): string[] {
  const problems: string[] = [];
  const at = (line: number, message: string): void => void problems.push(`${model.file}:${line}: ${message}`);
  if (model.errors.length > 0) return model.errors.map((e) => `${model.file}: ${e}`);

  checkDeclarations(model, at);
  const ctx: Ctx = { model, options, at };
  for (const ref of model.refs) checkRef(ctx, undefined, undefined, ref);
  for (const [name, out] of model.callable?.outputs ?? []) {
    if (out.refs.length === 0) at(out.line, `output ${name} has no jobs.<job>.outputs value`);
    for (const ref of out.refs) checkRef(ctx, undefined, undefined, ref);
  }
  if (model.permissions?.get('id-token') === 'write')
    at(
      0,
      'id-token: write at the workflow level reaches every job; grant it in the job that signs or logs in to a cloud',
    );

  for (const job of model.jobs.values()) {
    for (const need of job.needs)
      if (!model.jobs.has(need)) at(job.line, `job ${job.id} needs ${need}, which is not a job of this workflow`);
    for (const ref of job.refs) checkRef(ctx, job, undefined, ref);
    for (const [name, out] of job.outputs) for (const ref of out.refs) checkRef(ctx, job, 'outputs', ref, name);
    for (const step of job.steps) for (const ref of step.refs) checkRef(ctx, job, step, ref);
    if (job.uses) checkCall(model, job, options, at);
    else checkJobPermissions(model, job, options, at);
  }
  return problems;
}

type At = (line: number, message: string) => void;
interface Ctx {
  model: WorkflowModel;
  options: WiringOptions;
  at: At;
}

/** Declared inputs and secrets of a reusable workflow are used, and its secrets are storable names. */
function checkDeclarations(model: WorkflowModel, at: At): void {
  if (!model.callable) return;
  const used = allRefs(model);
  for (const [name, decl] of model.callable.inputs) {
    if (!used.some((r) => r.context === 'inputs' && r.path[0] === name))
      at(decl.line, `input ${name} is declared but never used`);
  }
  for (const [name, decl] of model.callable.secrets) {
    if (!STORABLE_SECRET.test(name)) {
      at(
        decl.line,
        `secret ${name} can never be inherited or held by an environment: GitHub secret names are letters, digits and _ (not starting with GITHUB_)`,
      );
    }
    if (!used.some((r) => r.context === 'secrets' && r.path[0]?.toLowerCase() === name.toLowerCase()))
      at(decl.line, `secret ${name} is declared but never used`);
  }
}

function allRefs(model: WorkflowModel): Ref[] {
  const out = [...model.refs, ...[...(model.callable?.outputs.values() ?? [])].flatMap((v) => v.refs)];
  for (const job of model.jobs.values()) {
    out.push(...job.refs, ...[...job.outputs.values()].flatMap((v) => v.refs), ...job.steps.flatMap((s) => s.refs));
  }
  return out;
}

function checkRef(
  ctx: Ctx,
  job: JobModel | undefined,
  step: StepModel | 'outputs' | undefined,
  ref: Ref,
  outputName?: string,
): void {
  const { model, options, at } = ctx;
  const [first, second, third] = ref.path;
  const shown = [ref.context, ...ref.path].join('.');
  if (first === undefined) return;
  switch (ref.context) {
    case 'inputs': {
      const declared = model.callable?.inputs.has(first) || model.dispatchInputs.has(first);
      if (!declared)
        at(ref.line, `${shown} is not a declared input (on.workflow_call.inputs / on.workflow_dispatch.inputs)`);
      return;
    }
    case 'secrets': {
      if (!model.callable || first.toUpperCase() === 'GITHUB_TOKEN') return;
      const declared = [...model.callable.secrets.keys()].some((s) => s.toLowerCase() === first.toLowerCase());
      if (!declared) at(ref.line, `${shown} is not declared under on.workflow_call.secrets, so no caller can pass it`);
      return;
    }
    case 'needs': {
      if (!job) {
        at(ref.line, `${shown} outside a job`);
        return;
      }
      if (!job.needs.includes(first)) {
        at(ref.line, `${shown}: job ${job.id} does not list ${first} in needs`);
        return;
      }
      const other = model.jobs.get(first);
      if (second === 'outputs' && third !== undefined && other && !jobOutputs(other, options).has(third)) {
        at(ref.line, `${shown}: job ${first} has no output ${third}`);
      }
      return;
    }
    case 'jobs': {
      if (job) {
        at(ref.line, `${shown}: the jobs context exists only in on.workflow_call.outputs`);
        return;
      }
      const other = model.jobs.get(first);
      if (!other) {
        at(ref.line, `${shown}: no job ${first}`);
        return;
      }
      if (second === 'outputs' && third !== undefined && !jobOutputs(other, options).has(third))
        at(ref.line, `${shown}: job ${first} has no output ${third}`);
      return;
    }
    case 'steps': {
      if (!job || !step) {
        at(ref.line, `${shown} outside a job's steps or outputs`);
        return;
      }
      const target = job.steps.find((s) => s.id === first);
      const where = outputName ? `output ${outputName} of job ${job.id}` : `job ${job.id}`;
      if (!target) {
        at(ref.line, `${shown}: no step with id ${first} in ${where}`);
        return;
      }
      if (step !== 'outputs' && target.index >= step.index) {
        at(ref.line, `${shown}: step ${first} runs after the step that reads it`);
        return;
      }
      if (second === 'outputs' && third !== undefined) {
        const missing = stepOutputProblem(target, third, options.repoRoot);
        if (missing) at(ref.line, `${shown}: ${missing}`);
      }
      return;
    }
    default:
      return;
  }
}

/** The outputs a job produces: its own `outputs:` or, for a reusable-workflow call, the called workflow's. */
function jobOutputs(job: JobModel, options: WiringOptions): Set<string> {
  const template = job.uses ? templateOf(job.uses, options) : undefined;
  return new Set((template?.callable?.outputs ?? job.outputs).keys());
}

function templateOf(uses: string, options: WiringOptions): WorkflowModel | undefined {
  return uses.startsWith(TEMPLATE_PREFIX)
    ? options.templates.get(uses.slice(TEMPLATE_PREFIX.length).replace(/@.*$/, ''))
    : undefined;
}

function stepOutputProblem(step: StepModel, output: string, repoRoot: string): string | undefined {
  if (step.uses) {
    const info = lookupAction(step.uses, repoRoot);
    if ('unknown' in info) return info.unknown;
    return info.outputs.has(output)
      ? undefined
      : `${step.uses.replace(/@.*$/, '')} has no output ${output} (${info.source})`;
  }
  const script = step.run ?? '';
  // A run step writes `name=value` or a `name<<DELIM` block to $GITHUB_OUTPUT.
  const writes =
    new RegExp(`(^|[\\s"'{;])${output.replace(/[-]/g, '\\-')}(=|<<)`, 'm').test(script) &&
    script.includes('GITHUB_OUTPUT');
  return writes ? undefined : `step ${step.id} never writes ${output} to $GITHUB_OUTPUT`;
}

/** A job that calls one of our reusable workflows: inputs, secrets and the permission ceiling. */
function checkCall(model: WorkflowModel, job: JobModel, options: WiringOptions, at: At): void {
  const uses = job.uses ?? '';
  if (!uses.startsWith(TEMPLATE_PREFIX)) return;
  const name = uses.slice(TEMPLATE_PREFIX.length).replace(/@.*$/, '');
  const template = templateOf(uses, options);
  if (!template?.callable) {
    at(job.line, `job ${job.id} calls ${name}, which is not one of the reusable workflows`);
    return;
  }
  const { inputs, secrets } = template.callable;

  for (const [input, value] of job.with)
    if (!inputs.has(input)) at(value.line, `job ${job.id} passes input ${input}, which ${name} does not declare`);
  for (const [input, decl] of inputs) {
    if (decl.required && !decl.hasDefault && !job.with.has(input))
      at(job.line, `job ${job.id} does not pass the required input ${input} of ${name}`);
  }
  const declaredSecret = (s: string): string | undefined =>
    [...secrets.keys()].find((d) => d.toLowerCase() === s.toLowerCase());
  for (const [secret, value] of job.secrets)
    if (!declaredSecret(secret))
      at(value.line, `job ${job.id} passes secret ${secret}, which ${name} does not declare`);
  for (const [secret, decl] of secrets) {
    const passed = [...job.secrets.keys()].some((s) => s.toLowerCase() === secret.toLowerCase());
    if (decl.required && !passed && !job.inheritSecrets)
      at(job.line, `job ${job.id} does not pass the required secret ${secret} of ${name}`);
  }

  // Every secret the template reads arrives only if this job passes or inherits it.
  for (const [secret, readers] of secretReaders(template, false)) {
    const passed = [...job.secrets.keys()].some((s) => s.toLowerCase() === secret.toLowerCase());
    if (!passed && !job.inheritSecrets) {
      at(
        job.line,
        `job ${job.id} neither passes nor inherits secret ${secret}, which ${name} reads in ${readers}: it arrives empty`,
      );
    }
  }

  // Secrets read in an environment job of the template must come through `secrets: inherit`:
  // an explicit `${{ secrets.X }}` is resolved in this caller job, which has no environment.
  for (const [secret, readers] of secretReaders(template, true)) {
    const passed = [...job.secrets.entries()].find(([s]) => s.toLowerCase() === secret.toLowerCase());
    const allowed = options.explicitSecrets?.some(
      (a) => a.file === model.file && a.job === job.id && a.secret.toLowerCase() === secret.toLowerCase(),
    );
    if (passed && !allowed) {
      at(
        passed[1].line,
        `job ${job.id} passes secret ${secret} explicitly, but ${name} reads it in ${readers} under an environment: the value comes from this caller job, which has no environment, so it is a repository or organisation secret that no environment protection guards; use secrets: inherit and keep ${secret} in each environment (docs/deploy-credentials.md)`,
      );
    }
  }

  // A called job may ask for no more than the caller allows; GitHub refuses the run otherwise.
  const ceiling = job.permissions ?? model.permissions;
  const wanted = calledPermissions(template);
  if (!ceiling)
    at(
      job.line,
      `job ${job.id} sets no permissions (neither it nor the workflow), so the repository default applies to ${name}`,
    );
  else {
    for (const [scope, access] of wanted) {
      if (!covers(ceiling.get(scope), access))
        at(
          job.line,
          `job ${job.id} allows ${scope}: ${ceiling.get(scope) ?? 'none'}, but ${name} asks for ${scope}: ${access}`,
        );
    }
    for (const [scope, access] of ceiling) {
      if (access !== 'none' && !wanted.has(scope))
        at(job.line, `job ${job.id} allows ${scope}: ${access}, which no job of ${name} asks for`);
    }
  }
}

/** Secret name → the template jobs that read it (only jobs with an `environment:` if asked). */
function secretReaders(template: WorkflowModel, environmentOnly: boolean): Map<string, string> {
  const out = new Map<string, string[]>();
  for (const job of template.jobs.values()) {
    if (environmentOnly && !job.environment) continue;
    const refs = [...job.refs, ...job.steps.flatMap((s) => s.refs)];
    for (const ref of refs) {
      if (ref.context !== 'secrets' || !ref.path[0] || ref.path[0].toUpperCase() === 'GITHUB_TOKEN') continue;
      const key =
        [...(template.callable?.secrets.keys() ?? [])].find((s) => s.toLowerCase() === ref.path[0]?.toLowerCase()) ??
        ref.path[0];
      const jobs = out.get(key) ?? [];
      if (!jobs.includes(job.id)) jobs.push(job.id);
      out.set(key, jobs);
    }
  }
  return new Map([...out].map(([k, v]) => [k, `job ${v.join(', ')}`]));
}

/** The most each scope is asked for by any job of a reusable workflow. */
export function calledPermissions(template: WorkflowModel): Permissions {
  const out: Permissions = new Map();
  for (const job of template.jobs.values()) {
    for (const [scope, access] of job.permissions ?? template.permissions ?? []) {
      if (access !== 'none' && !covers(out.get(scope), access)) out.set(scope, access);
    }
  }
  return out;
}

function covers(have: Access | undefined, need: Access): boolean {
  if (need === 'none') return true;
  if (need === 'read') return have === 'read' || have === 'write';
  return have === 'write';
}

function checkJobPermissions(model: WorkflowModel, job: JobModel, options: WiringOptions, at: At): void {
  const granted = job.permissions ?? model.permissions;
  if (!granted)
    at(job.line, `job ${job.id} sets no permissions (neither it nor the workflow), so it gets the repository default`);
  let idTokenReason = false;
  for (const step of job.steps) {
    if (step.run !== undefined) {
      for (const call of RUN_STEP_CALLS) {
        if (!call.pattern.test(step.run) || !granted || covers(granted.get(call.scope), call.access)) continue;
        at(
          step.line,
          `job ${job.id} needs ${call.scope}: ${call.access} for a run step that ${call.why}, but has ${call.scope}: ${granted.get(call.scope) ?? 'none'}`,
        );
      }
    }
    if (!step.uses || step.uses.startsWith('./') || step.uses.startsWith('docker://')) continue;
    const info = lookupAction(step.uses, options.repoRoot);
    if ('unknown' in info) {
      at(step.line, info.unknown);
      continue;
    }
    checkStepInputs(step, info, at);
    for (const [scope, need] of Object.entries(info.permissions)) {
      if (need.events && !need.events.some((e) => mayRunOn(model, e))) continue;
      if (!needApplies(need.when, step, info)) continue;
      if (scope === 'id-token') idTokenReason = true;
      if (granted && !covers(granted.get(scope), need.access)) {
        at(
          step.line,
          `job ${job.id} needs ${scope}: ${need.access} for ${step.uses.replace(/@.*$/, '')} (${need.why}), but has ${scope}: ${granted.get(scope) ?? 'none'}`,
        );
      }
    }
  }
  if (granted?.get('id-token') === 'write' && !idTokenReason) {
    at(job.line, `job ${job.id} has id-token: write but neither signs keyless nor logs in to a cloud`);
  }
}

/**
 * GitHub API calls that run steps of the templates make with the job token, recognised by their
 * command line; a run step's needs cannot be read from metadata.
 */
const RUN_STEP_CALLS: { pattern: RegExp; scope: string; access: Access; why: string }[] = [
  {
    pattern: /code-scanning\/sarifs/,
    scope: 'security-events',
    access: 'write',
    why: 'uploads SARIF to code scanning',
  },
  {
    pattern: /\bgh release (create|upload|edit|delete)\b/,
    scope: 'contents',
    access: 'write',
    why: 'publishes a GitHub release',
  },
  { pattern: /actions\/(artifacts|runs)\b/, scope: 'actions', access: 'read', why: "reads other runs' artifacts" },
  {
    pattern: /docker (login|push)\b[^\n]*ghcr\.io|ghcr\.io[^\n]*docker (login|push)\b/,
    scope: 'packages',
    access: 'write',
    why: 'pushes to GHCR with the job token',
  },
];

/** A reusable workflow runs for whatever event its caller had. */
function mayRunOn(model: WorkflowModel, event: string): boolean {
  return model.callable !== undefined || model.events.has(event);
}

/** `with:` keys of our own actions are declared inputs, and required ones are given. */
function checkStepInputs(step: StepModel, info: ActionInfo, at: At): void {
  if (!info.inputs) return;
  const name = step.uses?.replace(/@.*$/, '') ?? '';
  for (const [input, value] of step.with) if (!info.inputs.has(input)) at(value.line, `${name} has no input ${input}`);
  for (const [input, decl] of info.inputs)
    if (decl.required && decl.default === undefined && !step.with.has(input))
      at(step.line, `${name} needs input ${input}`);
}

/**
 * Whether a permission need's condition can hold for this step. A `with:` value that is an
 * expression (or a default like `${{ github.token }}`) is known only at run time: the condition
 * holds when some value it could take makes it true — tried are the empty string, an opaque
 * value, and each string literal of the condition with and without a suffix (for startsWith).
 */
export function needApplies(when: string | undefined, step: StepModel, info: ActionInfo): boolean {
  if (!when) return true;
  const known: Record<string, string> = {};
  const unknown: string[] = [];
  for (const ref of contextRefs(when)) {
    const input = ref.context === 'inputs' ? ref.path[0] : undefined;
    if (!input || input in known || unknown.includes(input)) continue;
    const given: Value | undefined = step.with.get(input);
    const fallback = info.inputs?.get(input)?.default ?? '';
    if (given?.expression !== undefined || (!given && fallback.includes('${{'))) unknown.push(input);
    else known[input] = given?.literal ?? fallback;
  }
  const literals = [...when.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? '');
  const candidates = [...new Set(['', '<run-time value>', ...literals, ...literals.map((l) => `${l}x`)])];
  const evaluate = (values: Record<string, string>): boolean => {
    const context = JSON.parse(JSON.stringify({ inputs: values }), data.reviver) as data.Dictionary;
    return truthy(new Evaluator(parseExpression(when), context).evaluate());
  };
  const tryFrom = (i: number, values: Record<string, string>): boolean => {
    const input = unknown[i];
    if (input === undefined) return evaluate(values);
    return candidates.some((c) => tryFrom(i + 1, { ...values, [input]: c }));
  };
  return tryFrom(0, known);
}
