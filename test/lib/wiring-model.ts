// A workflow file as the wiring check sees it: read with GitHub's workflow parser
// (@actions/workflow-parser), whose template tokens keep every `${{ }}` expression and its
// position, then reduced to what the wiring rules need.
import {
  isBasicExpression,
  isBoolean,
  isMapping,
  isNumber,
  isSequence,
  isString,
  NoOperationTraceWriter,
  parseWorkflow,
} from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { contextRefs, type ContextRef } from './wiring-expressions.ts';

export type Access = 'read' | 'write' | 'none';
export type Permissions = Map<string, Access>;

/** A context reference with where it was written. */
export interface Ref extends ContextRef {
  line: number;
  /** The YAML key the expression is the value of (`run`, `if`, an input name …). */
  key: string;
}

/** A scalar value: literal text, or the expression text of a `${{ }}` value. */
export interface Value {
  literal?: string;
  expression?: string;
  refs: Ref[];
  line: number;
}

export interface StepModel {
  index: number;
  id?: string;
  uses?: string;
  run?: string;
  with: Map<string, Value>;
  refs: Ref[];
  line: number;
}

export interface JobModel {
  id: string;
  line: number;
  needs: string[];
  /** Undefined when the job sets none (it then gets the workflow's). */
  permissions?: Permissions;
  environment?: Value;
  if?: string;
  outputs: Map<string, Value>;
  steps: StepModel[];
  /** Reusable workflow this job calls. */
  uses?: string;
  with: Map<string, Value>;
  secrets: Map<string, Value>;
  inheritSecrets: boolean;
  /** References outside steps and outputs (runs-on, environment, if, with, secrets …). */
  refs: Ref[];
}

export interface Declared {
  required: boolean;
  hasDefault: boolean;
  line: number;
}

export interface WorkflowModel {
  file: string;
  /** Parser errors; the other fields are meaningless when there are any. */
  errors: string[];
  events: Map<string, TemplateToken | undefined>;
  callable?: { inputs: Map<string, Declared>; secrets: Map<string, Declared>; outputs: Map<string, Value> };
  dispatchInputs: Map<string, Declared>;
  permissions?: Permissions;
  jobs: Map<string, JobModel>;
  /** Workflow-level references (env, concurrency, run-name). */
  refs: Ref[];
}

const SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
];

export function readWorkflow(file: string, content: string): WorkflowModel {
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  const model: WorkflowModel = {
    file,
    errors,
    events: new Map(),
    dispatchInputs: new Map(),
    jobs: new Map(),
    refs: [],
  };
  const root = parsed.value;
  if (errors.length > 0 || !root || !isMapping(root)) return model;
  for (const { key, value } of root) {
    const name = text(key);
    if (name === 'on') readEvents(model, value);
    else if (name === 'permissions') model.permissions = readPermissions(value);
    else if (name === 'jobs' && isMapping(value))
      for (const job of value) model.jobs.set(text(job.key), readJob(text(job.key), job.value, job.key.line ?? 0));
    else model.refs.push(...refsIn(value, name));
  }
  return model;
}

function readEvents(model: WorkflowModel, on: TemplateToken): void {
  if (isString(on)) model.events.set(on.value, undefined);
  else if (isSequence(on)) for (const e of seq(on)) model.events.set(text(e), undefined);
  else if (isMapping(on)) for (const { key, value } of on) model.events.set(text(key), value);
  const call = model.events.get('workflow_call');
  if (model.events.has('workflow_call')) {
    const spec = call && isMapping(call) ? call : undefined;
    model.callable = {
      inputs: declarations(find(spec, 'inputs')),
      secrets: declarations(find(spec, 'secrets')),
      outputs: new Map(
        [...pairs(find(spec, 'outputs'))].map(([name, def]) => [name, valueOf(find(def, 'value'), name)]),
      ),
    };
  }
  const dispatch = model.events.get('workflow_dispatch');
  model.dispatchInputs = declarations(dispatch && isMapping(dispatch) ? find(dispatch, 'inputs') : undefined);
}

function declarations(token: TemplateToken | undefined): Map<string, Declared> {
  const out = new Map<string, Declared>();
  for (const [name, def, line] of pairs(token)) {
    const required = find(def, 'required');
    out.set(name, {
      required: !!required && isBoolean(required) && required.value,
      hasDefault: find(def, 'default') !== undefined,
      line,
    });
  }
  return out;
}

function readJob(id: string, token: TemplateToken, line: number): JobModel {
  const job: JobModel = {
    id,
    line,
    needs: [],
    outputs: new Map(),
    steps: [],
    with: new Map(),
    secrets: new Map(),
    inheritSecrets: false,
    refs: [],
  };
  if (!isMapping(token)) return job;
  for (const { key, value } of token) {
    const name = text(key);
    if (name === 'needs') job.needs = isSequence(value) ? seq(value).map(text) : [text(value)];
    else if (name === 'permissions') job.permissions = readPermissions(value);
    else if (name === 'outputs') for (const [out, v] of pairs(value)) job.outputs.set(out, valueOf(v, out));
    else if (name === 'steps' && isSequence(value)) job.steps = seq(value).map(readStep);
    else if (name === 'uses') job.uses = text(value);
    else if (name === 'with') for (const [input, v] of pairs(value)) job.with.set(input, valueOf(v, input));
    else if (name === 'secrets') {
      if (isString(value) && value.value === 'inherit') job.inheritSecrets = true;
      else for (const [secret, v] of pairs(value)) job.secrets.set(secret, valueOf(v, secret));
    } else {
      if (name === 'environment')
        job.environment = valueOf(isMapping(value) ? (find(value, 'name') ?? value) : value, 'environment');
      if (name === 'if') job.if = conditionText(value);
      job.refs.push(...refsIn(value, name));
    }
  }
  for (const v of [...job.with.values(), ...job.secrets.values()]) job.refs.push(...v.refs);
  return job;
}

function readStep(token: TemplateToken, index: number): StepModel {
  const step: StepModel = { index, with: new Map(), refs: [], line: token.line ?? 0 };
  if (!isMapping(token)) return step;
  for (const { key, value } of token) {
    const name = text(key);
    if (name === 'id') step.id = text(value);
    else if (name === 'uses') step.uses = text(value);
    else if (name === 'with') for (const [input, v] of pairs(value)) step.with.set(input, valueOf(v, input));
    if (name === 'run')
      step.run = isString(value) ? value.value : isBasicExpression(value) ? value.expression : undefined;
    if (name !== 'with') step.refs.push(...refsIn(value, name));
  }
  for (const v of step.with.values()) step.refs.push(...v.refs);
  return step;
}

/** `permissions:` as a scope → access map; read-all/write-all expand to every scope. */
function readPermissions(token: TemplateToken): Permissions {
  const out: Permissions = new Map();
  if (isString(token)) {
    const all: Access = token.value === 'write-all' ? 'write' : token.value === 'read-all' ? 'read' : 'none';
    for (const scope of SCOPES) out.set(scope, scope === 'id-token' && all === 'read' ? 'none' : all);
    return out;
  }
  for (const [scope, access] of pairs(token)) out.set(scope, text(access) as Access);
  return out;
}

/** References in every expression below a token; `if:` strings are expressions without `${{ }}`. */
function refsIn(token: TemplateToken, key: string): Ref[] {
  const out: Ref[] = [];
  if (key === 'if') {
    const condition = conditionText(token);
    if (condition) out.push(...contextRefs(condition).map((r) => ({ ...r, line: token.line ?? 0, key })));
    return out;
  }
  if (isBasicExpression(token)) return contextRefs(token.expression).map((r) => ({ ...r, line: token.line ?? 0, key }));
  if (isMapping(token)) for (const { key: k, value } of token) out.push(...refsIn(value, text(k)));
  else if (isSequence(token)) for (const item of seq(token)) out.push(...refsIn(item, key));
  return out;
}

function conditionText(token: TemplateToken): string | undefined {
  if (isBasicExpression(token)) return token.expression;
  if (isString(token))
    return token.value
      .trim()
      .replace(/^\$\{\{([\s\S]*)\}\}$/, '$1')
      .trim();
  if (isBoolean(token)) return String(token.value);
  return undefined;
}

function valueOf(token: TemplateToken | undefined, key: string): Value {
  if (!token) return { refs: [], line: 0 };
  const line = token.line ?? 0;
  if (isBasicExpression(token)) return { expression: token.expression, refs: refsIn(token, key), line };
  return {
    literal: isString(token) ? token.value : isBoolean(token) ? String(token.value) : JSON.stringify(token.toJSON()),
    refs: refsIn(token, key),
    line,
  };
}

function text(token: TemplateToken): string {
  if (isString(token)) return token.value;
  if (isBasicExpression(token)) return `\${{ ${token.expression} }}`;
  if (isBoolean(token) || isNumber(token)) return String(token.value);
  return '';
}

function find(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  return token && isMapping(token) ? token.find(key) : undefined;
}

/** name, value and the line of the key. */
function* pairs(token: TemplateToken | undefined): Generator<[string, TemplateToken, number]> {
  if (token && isMapping(token)) for (const { key, value } of token) yield [text(key), value, key.line ?? 0];
}

function seq(token: TemplateToken): TemplateToken[] {
  const out: TemplateToken[] = [];
  if (isSequence(token)) for (let i = 0; i < token.count; i++) out.push(token.get(i));
  return out;
}
