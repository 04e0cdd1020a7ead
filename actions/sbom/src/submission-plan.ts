import { UserError } from '@spikeformer-actions/core';

/** auto: submit when there is a token, a refusal is a warning; true: a refusal fails the step; false: never. */
export type SubmissionChoice = 'auto' | 'true' | 'false';

/** Where and as what the snapshot goes, from the runner's environment. */
export interface SubmissionTarget {
  owner: string;
  repo: string;
  sha: string;
  ref: string;
  runId: string;
  serverUrl: string;
  correlator: string;
}

export type SubmissionPlan =
  | { kind: 'submit'; target: SubmissionTarget; required: boolean }
  /** notice: shown as a notice; undefined: skipped silently (dependency-submission: false). */
  | { kind: 'skip'; notice: string | undefined };

const REPOSITORY = /^([A-Za-z0-9_.-]{1,100})\/([A-Za-z0-9_.-]{1,100})$/;
// The API takes a 40-character commit SHA and a fully qualified ref.
const SHA = /^[0-9a-f]{40}$/;
// eslint-disable-next-line no-control-regex -- a ref with a control character is refused
const REF = /^refs\/[^\u0000-\u001f\u007f]{1,250}$/;

function serverUrlOf(value: string | undefined): string {
  try {
    const url = new URL(value ?? '');
    // origin leaves any credentials out: the URL goes into the snapshot's links.
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.origin + url.pathname.replace(/\/+$/, '');
  } catch {
    // Falls back below: the URL only builds links.
  }
  return 'https://github.com';
}

/** The environment variables a submission needs, or what is missing or malformed. */
function targetOf(env: NodeJS.ProcessEnv, correlator: string): SubmissionTarget | string {
  const repository = REPOSITORY.exec(env['GITHUB_REPOSITORY'] ?? '');
  if (!repository) return 'GITHUB_REPOSITORY is not owner/name';
  const sha = env['GITHUB_SHA'] ?? '';
  if (!SHA.test(sha)) return 'GITHUB_SHA is not a 40-character commit SHA';
  const ref = env['GITHUB_REF'] ?? '';
  if (!REF.test(ref)) return 'GITHUB_REF is not a ref (refs/…)';
  const runId = env['GITHUB_RUN_ID'] ?? '';
  return {
    owner: repository[1] ?? '',
    repo: repository[2] ?? '',
    sha,
    ref,
    runId: /^\d{1,20}$/.test(runId) ? runId : '0',
    serverUrl: serverUrlOf(env['GITHUB_SERVER_URL']),
    correlator,
  };
}

/**
 * Whether and where the snapshot is submitted, decided before anything is written. With
 * `true`, what stops a submission is an error; with `auto` a notice.
 */
export function planSubmission(
  choice: SubmissionChoice,
  token: string,
  correlator: string,
  env: NodeJS.ProcessEnv,
): SubmissionPlan {
  if (choice === 'false') return { kind: 'skip', notice: undefined };
  // An empty token with dependency-submission: true is refused with the inputs (see inputs.ts).
  if (token === '')
    return {
      kind: 'skip',
      notice:
        'No dependency submission: github-token is empty (give it a token with `permissions: contents: write`, or set dependency-submission: false)',
    };
  // act runs a workflow locally: its ref and SHA would land in the real repository's graph.
  if (choice === 'auto' && env['ACT'] === 'true')
    return {
      kind: 'skip',
      notice: 'No dependency submission under act (set dependency-submission: true to submit the local ref and SHA)',
    };
  const target = targetOf(env, correlator);
  if (typeof target === 'string') {
    const why = `submitting to the dependency graph needs the runner's environment: ${target}`;
    if (choice === 'true') throw new UserError(`Input 'dependency-submission': ${why}`);
    return { kind: 'skip', notice: `No dependency submission: ${why}` };
  }
  return { kind: 'submit', target, required: choice === 'true' };
}
