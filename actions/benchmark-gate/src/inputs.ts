import { existsSync } from 'node:fs';
import { expandGlobs, InputError, inputs, resolveInWorkspace } from '@spikeformer-actions/core';
import { parseSlos, type Slo } from './load/slo.js';
import { type Direction, type Format, FORMATS, type Metric, METRICS } from './model.js';

export interface Inputs {
  results: string[];
  format: Format | 'auto';
  direction: Direction | undefined;
  /** Baseline history files that exist. */
  baseline: string[];
  /** Baseline paths given but not found (a first run, or a cache miss). */
  baselineMissing: string[];
  historySize: number;
  /** Fraction: 5% → 0.05. */
  minRegression: number;
  alpha: number;
  noiseFactor: number;
  sameRunner: boolean;
  metric: Metric;
  failOnMissing: boolean;
  failOnInconclusive: boolean;
  jsonFile: string;
  runId: string;
  /** Post the result on the pull request (pull request events only). */
  comment: boolean;
  githubToken: string;
  commentTag: string;
  /** Service-level objectives for load-test results. */
  slos: Slo[];
}

/** Cross-field and range checks that the single readers cannot make. */
export function validate(i: Inputs): void {
  const bigger =
    i.direction === 'bigger-is-better' || (i.direction === undefined && i.format === 'custom-bigger-is-better');
  if (i.minRegression >= 1 && bigger) {
    throw new InputError(
      'min-regression',
      'must be below 100% when bigger is better (a drop of 100% or more is impossible)',
    );
  }
  if (!/^[\w.:/-]{1,100}$/.test(i.runId)) throw new InputError('run-id', 'use 1–100 letters, digits and . _ : / -');
  if (/\s/.test(i.githubToken) || CONTROL.test(i.githubToken))
    throw new InputError('github-token', 'contains whitespace or a control character');
  if (!/^[\w.-]{1,50}$/.test(i.commentTag)) throw new InputError('comment-tag', 'use 1–50 letters, digits and . _ -');
}

const GLOB = /[*?[{]/;
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Plain baseline paths may be missing (first run, cache miss); globs may match nothing. */
async function baselineFiles(): Promise<{ found: string[]; missing: string[] }> {
  const patterns = inputs.getList('baseline', { commas: false });
  const found: string[] = [];
  const missing: string[] = [];
  const globs = patterns.filter((p) => GLOB.test(p) || p.startsWith('!'));
  for (const p of patterns.filter((q) => !globs.includes(q))) {
    let abs: string;
    try {
      abs = resolveInWorkspace(p, "Input 'baseline'");
    } catch (error) {
      throw new InputError(
        'baseline',
        error instanceof Error ? error.message.replace(/^Input 'baseline':\s*/, '') : String(error),
      );
    }
    if (existsSync(abs)) found.push(abs);
    else missing.push(p);
  }
  if (globs.some((g) => !g.startsWith('!'))) {
    try {
      found.push(...(await expandGlobs(globs, "Input 'baseline'")));
    } catch (error) {
      throw new InputError(
        'baseline',
        error instanceof Error ? error.message.replace(/^Input 'baseline':\s*/, '') : String(error),
      );
    }
  }
  return { found: [...new Set(found)], missing };
}

export async function readInputs(): Promise<Inputs> {
  const direction = inputs.getEnum('direction', ['auto', 'smaller-is-better', 'bigger-is-better'] as const, 'auto');
  const baseline = await baselineFiles();
  const runAttempt = process.env.GITHUB_RUN_ATTEMPT ?? '1';
  const defaultRunId = process.env.GITHUB_RUN_ID ? `${process.env.GITHUB_RUN_ID}.${runAttempt}` : `local.${Date.now()}`;
  const result: Inputs = {
    results: await inputs.getFiles('results', { required: true }),
    format: inputs.getEnum('format', ['auto', ...FORMATS] as const, 'auto'),
    direction: direction === 'auto' ? undefined : direction,
    baseline: baseline.found,
    baselineMissing: baseline.missing,
    historySize: inputs.getInteger('history-size', 20, { min: 1, max: 1000 }),
    minRegression: inputs.getPercentage('min-regression', 5, { min: 0, max: 1000 }) / 100,
    alpha: inputs.getFloat('alpha', 0.01, { min: 1e-9, max: 0.5 }),
    noiseFactor: inputs.getFloat('noise-factor', 4, { min: 0, max: 100 }),
    sameRunner: inputs.getBoolean('same-runner', false),
    metric: inputs.getEnum('metric', METRICS, 'median'),
    failOnMissing: inputs.getBoolean('fail-on-missing', false),
    failOnInconclusive: inputs.getBoolean('fail-on-inconclusive', false),
    jsonFile: inputs.getPath('json-file') || resolveInWorkspace('benchmark-gate.json', "Input 'json-file'"),
    runId: inputs.getString('run-id', defaultRunId),
    comment: inputs.getBoolean('comment', true),
    githubToken: inputs.getSecret('github-token').trim(),
    commentTag: inputs.getString('comment-tag', 'benchmark-gate'),
    slos: parseSlos(inputs.getString('slo').split(/\r?\n/)),
  };
  validate(result);
  return result;
}
