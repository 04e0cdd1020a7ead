import { createHash } from 'node:crypto';
import { InputError } from '@spikeformer-actions/core';

/**
 * The dependency submission API keeps one snapshot per correlator (and detector): a new
 * snapshot with the same correlator replaces the previous one. The default names the step, so
 * two sbom steps in one job keep two snapshots (anchore/sbom-action#520).
 */

export const MAX_CORRELATOR_LENGTH = 255;

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A correlator given as input: one line of printable text, at most MAX_CORRELATOR_LENGTH characters. */
export function checkCorrelator(value: string): string {
  const text = value.trim();
  if (CONTROL.test(text)) throw new InputError('correlator', 'holds a line break or a control character');
  if (text.length > MAX_CORRELATOR_LENGTH)
    throw new InputError('correlator', `is ${text.length} characters, over the limit of ${MAX_CORRELATOR_LENGTH}`);
  return text;
}

/**
 * The step's own identity: its `id:` (the runner passes it as GITHUB_ACTION), else the SBOM's
 * output path. A step without an id gets a generated GITHUB_ACTION (`__run`, `__owner_repo`,
 * numbered by position), which changes when steps are added, so the output path stands in.
 */
export function stepIdentity(githubAction: string | undefined, outputPath: string): string {
  const id = (githubAction ?? '').trim();
  return id === '' || id.startsWith('__') ? outputPath : id;
}

/**
 * `<workflow>_<job>_<step>` from the runner's environment. Control characters are dropped
 * (a workflow name is free text); a longer result keeps its start and a hash of the whole, so
 * it stays within the limit and distinct.
 */
export function defaultCorrelator(env: NodeJS.ProcessEnv, outputPath: string): string {
  const parts = [
    env['GITHUB_WORKFLOW'] || 'workflow',
    env['GITHUB_JOB'] || 'job',
    stepIdentity(env['GITHUB_ACTION'], outputPath),
  ];
  const text = parts
    .join('_')
    .split('')
    .filter((c) => !CONTROL.test(c))
    .join('')
    .trim();
  if (text.length <= MAX_CORRELATOR_LENGTH) return text;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  // Cut by code point, so no half of a surrogate pair is left at the end.
  let start = '';
  for (const c of text) {
    if (start.length + c.length > MAX_CORRELATOR_LENGTH - hash.length - 1) break;
    start += c;
  }
  return `${start}_${hash}`;
}
