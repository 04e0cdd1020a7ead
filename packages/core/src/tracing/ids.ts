import { createHash } from 'node:crypto';

type Env = Readonly<Record<string, string | undefined>>;

/** The workflow run attempt a step belongs to, or undefined outside a workflow run. */
export function runAttemptKey(env: Env): string | undefined {
  const repository = env.GITHUB_REPOSITORY;
  const runId = env.GITHUB_RUN_ID;
  if (!repository || !runId) return undefined;
  return `${repository}\n${runId}\n${env.GITHUB_RUN_ATTEMPT || '1'}`;
}

function digestHex(text: string, bytes: number): string {
  const hex = createHash('sha256')
    .update(text)
    .digest('hex')
    .slice(0, bytes * 2);
  // An all-zero id is invalid in W3C trace context; sha256 gives one with odds of 2^-64.
  return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
}

/**
 * The trace of a workflow run attempt: the first 16 bytes of sha256(repository, run id,
 * attempt), so every job and every action of the attempt computes the same id on its own.
 */
export function runTraceId(env: Env): string | undefined {
  const key = runAttemptKey(env);
  return key === undefined ? undefined : digestHex(key, 16);
}

/** The span of the whole run attempt (what a job span hangs under). */
export function runSpanId(env: Env): string | undefined {
  const key = runAttemptKey(env);
  return key === undefined ? undefined : digestHex(`${key}\nrun`, 8);
}

/**
 * The span of the job (GITHUB_JOB): the steps of one job nest under it. The legs of a matrix
 * share a job id, so they share this span too.
 */
export function jobSpanId(env: Env): string | undefined {
  const key = runAttemptKey(env);
  return key === undefined || !env.GITHUB_JOB ? undefined : digestHex(`${key}\njob\n${env.GITHUB_JOB}`, 8);
}
