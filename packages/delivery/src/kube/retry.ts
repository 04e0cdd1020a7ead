import { backoffDelay } from '@spikeformer-actions/core';
import type { FailureKind } from './errors.js';

export interface RetryPolicy {
  /** Total attempts, the first included (default 4). */
  attempts: number;
  /** Base of the exponential backoff in ms (default 500): attempt n waits up to base·2ⁿ. */
  baseMs: number;
  /** Cap of one wait in ms (default 8000). */
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 500, capMs: 8000 };

/** Only transient failures (429, 5xx, connection trouble) are worth another attempt. */
export function shouldRetry(kind: FailureKind, attempt: number, policy: RetryPolicy): boolean {
  return kind === 'transient' && attempt < policy.attempts;
}

/** Full-jitter exponential backoff (the core's), never below a small floor so retries are spaced. */
export function retryDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.max(Math.min(50, policy.baseMs), backoffDelay(attempt - 1, policy.baseMs, policy.capMs, random));
}
