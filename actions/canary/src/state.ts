import type { FlagSnapshot } from '@spikeformer-actions/delivery/flags';
import type { RouterKind } from './plan.js';
import { isRecord } from '@spikeformer-actions/core';

/**
 * Plan and progress live in annotations on the canary Deployment: a re-run after a lost runner
 * reads them and resumes or rolls back on purpose; it never starts a second canary beside it.
 */
export const ANNOTATIONS = {
  plan: 'spikeformer.io/canary-plan',
  progress: 'spikeformer.io/canary-progress',
} as const;

/** The pod label that marks canary pods (and the Deployment). */
export const TRACK_LABEL = 'spikeformer.io/track';

export interface CanaryPlan {
  router: RouterKind;
  steps: number[];
  /** Images the canary runs (container → image). */
  images: Record<string, string>;
  /** What the stable ran and how many replicas it had when the canary started. */
  stableImages: Record<string, string>;
  stableReplicas: number;
  startedAt: string;
  runId: string;
  /** Router data to restore the routes with (original backend weights, created objects). */
  restore: Record<string, unknown>;
  /** The flagd flag moving with the traffic and its text before the canary (what rollback writes back). */
  flag?: FlagSnapshot;
}

/**
 * progressing: a step is being applied or analysed; paused: stopped at a step by the
 * inconclusive policy; interrupted: main was cancelled and the post step sent all traffic to
 * stable; promoting: every step passed, the stable is taking the new images.
 */
export const PHASES = ['progressing', 'paused', 'interrupted', 'promoting', 'rolled-back', 'aborted'] as const;
export type Phase = (typeof PHASES)[number];

export interface Progress {
  phase: Phase;
  /** 1-based index of the step being run or last reached; 0 before the first. */
  step: number;
  /** The weight the router carries now. */
  weight: number;
  updatedAt: string;
  reason?: string;
  failedStep?: number;
}

export interface CanaryState {
  plan: CanaryPlan;
  progress: Progress;
}

function parse(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const FLAG_FIELDS = ['configMap', 'dataKey', 'flagKey', 'newVariant', 'stableVariant', 'previous'] as const;

/** A saved flag is written back on rollback: only a complete one is used. */
function isFlagSnapshot(v: unknown): v is FlagSnapshot {
  return isRecord(v) && FLAG_FIELDS.every((k) => typeof v[k] === 'string');
}

/** Reads the state from the canary's annotations; undefined when they are missing or hand-mangled. */
export function readState(annotations: Record<string, string> | undefined): CanaryState | undefined {
  const plan = parse(annotations?.[ANNOTATIONS.plan]);
  const progress = parse(annotations?.[ANNOTATIONS.progress]);
  if (!isRecord(plan) || !isRecord(progress)) return undefined;
  if (!Array.isArray(plan['steps']) || !plan['steps'].every((s) => typeof s === 'number')) return undefined;
  if (
    !PHASES.includes(progress['phase'] as Phase) ||
    typeof progress['step'] !== 'number' ||
    typeof progress['weight'] !== 'number'
  )
    return undefined;
  if (plan['flag'] !== undefined && !isFlagSnapshot(plan['flag'])) return undefined;
  return { plan: plan as unknown as CanaryPlan, progress: progress as unknown as Progress };
}

export function stateAnnotations(state: CanaryState): Record<string, string> {
  return { [ANNOTATIONS.plan]: JSON.stringify(state.plan), [ANNOTATIONS.progress]: JSON.stringify(state.progress) };
}

export type Start =
  | { kind: 'fresh'; why: string }
  | { kind: 'resume'; fromStep: number; why: string }
  | { kind: 'promote'; why: string }
  | { kind: 'replace'; why: string };

const IN_FLIGHT: readonly Phase[] = ['progressing', 'paused', 'interrupted', 'promoting'];

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

/**
 * What a `run` does with the canary it finds: nothing there → fresh; an unfinished canary of the
 * same images, steps and router → resume at its step; an unfinished one of something else →
 * roll it back first (replace); a finished (rolled back/aborted) one → a deliberate new attempt.
 */
export function decideStart(
  existing: CanaryState | undefined,
  wanted: { images: Record<string, string>; steps: readonly number[]; router: RouterKind },
): Start {
  if (!existing) return { kind: 'fresh', why: 'no canary yet' };
  const { plan, progress } = existing;
  if (!IN_FLIGHT.includes(progress.phase))
    return {
      kind: 'fresh',
      why: `the last canary ended ${progress.phase}${progress.reason ? ` (${progress.reason})` : ''}; starting a new attempt on the same object`,
    };
  const same =
    sameRecord(plan.images, wanted.images) &&
    plan.router === wanted.router &&
    plan.steps.join(',') === wanted.steps.join(',');
  if (!same)
    return {
      kind: 'replace',
      why: `an unfinished canary of other images/steps/router (${phase(existing)}) is rolled back first`,
    };
  if (progress.phase === 'promoting') return { kind: 'promote', why: 'every step had passed; finishing the promotion' };
  return {
    kind: 'resume',
    fromStep: Math.max(1, progress.step),
    why: `resuming the unfinished canary (${phase(existing)}) at step ${Math.max(1, progress.step)}`,
  };
}

function phase(s: CanaryState): string {
  return `${s.progress.phase} at step ${s.progress.step}/${s.plan.steps.length}, ${s.progress.weight}%`;
}
