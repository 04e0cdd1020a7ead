import type { FlagSnapshot } from '@spikeformer-actions/delivery/flags';
import type { Service } from '@spikeformer-actions/delivery/kube';
import { COLOR_LABEL, type Color, isColor } from './colors.js';

/**
 * Deployment state lives in annotations on the active Service, so a re-run (after a lost runner,
 * or a later `rollback`) knows which colour is live, what ran before, and how far the last run got.
 */
export const ANNOTATIONS = {
  active: 'spikeformer.io/active-color',
  previous: 'spikeformer.io/previous-color',
  step: 'spikeformer.io/step',
  verifiedSelector: 'spikeformer.io/verified-selector',
  images: 'spikeformer.io/images',
  previousImages: 'spikeformer.io/previous-images',
  updatedAt: 'spikeformer.io/updated-at',
} as const;

/** How far a deployment got: `switched` is the only unsafe resting point (the post step undoes it). */
export type Step = 'deploying' | 'switched' | 'verified' | 'rolled-back';

export interface ServiceState {
  active: Color;
  previous: Color | undefined;
  step: Step | undefined;
  /** The selector last proven good (restored by the post step and by rollback). */
  verifiedSelector: Record<string, string>;
  images: Record<string, string>;
  previousImages: Record<string, string>;
}

function parseRecord(text: string | undefined): Record<string, string> {
  if (!text) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
  } catch {
    // A hand-edited annotation: treated as absent.
  }
  return {};
}

/** Reads the state; the active colour comes from the selector (the truth), not the annotation. */
export function readServiceState(service: Service): { ok: true; value: ServiceState } | { ok: false; problem: string } {
  const selector = service.spec.selector ?? {};
  const active = selector[COLOR_LABEL];
  if (!isColor(active)) {
    return {
      ok: false,
      problem: `service/${service.metadata.name} selects no colour: its selector needs ${COLOR_LABEL}=blue or =green (got ${JSON.stringify(selector)})`,
    };
  }
  const a = service.metadata.annotations ?? {};
  const previous = a[ANNOTATIONS.previous];
  const step = a[ANNOTATIONS.step];
  const verified = parseRecord(a[ANNOTATIONS.verifiedSelector]);
  return {
    ok: true,
    value: {
      active,
      previous: isColor(previous) ? previous : undefined,
      step:
        step === 'deploying' || step === 'switched' || step === 'verified' || step === 'rolled-back' ? step : undefined,
      verifiedSelector: Object.keys(verified).length > 0 ? verified : { ...selector },
      images: parseRecord(a[ANNOTATIONS.images]),
      previousImages: parseRecord(a[ANNOTATIONS.previousImages]),
    },
  };
}

/** The Service with a new selector and state annotations (a copy; for a preconditioned replace). */
export function withState(
  service: Service,
  selector: Record<string, string>,
  state: {
    active: Color;
    previous: Color | undefined;
    step: Step;
    verifiedSelector: Record<string, string>;
    images: Record<string, string>;
    previousImages: Record<string, string>;
  },
  now: Date,
): Service {
  const s = structuredClone(service);
  s.spec.selector = { ...selector };
  s.metadata.annotations = {
    ...(s.metadata.annotations ?? {}),
    [ANNOTATIONS.active]: state.active,
    [ANNOTATIONS.step]: state.step,
    [ANNOTATIONS.verifiedSelector]: JSON.stringify(state.verifiedSelector),
    [ANNOTATIONS.images]: JSON.stringify(state.images),
    [ANNOTATIONS.previousImages]: JSON.stringify(state.previousImages),
    [ANNOTATIONS.updatedAt]: now.toISOString(),
  };
  if (state.previous) s.metadata.annotations[ANNOTATIONS.previous] = state.previous;
  return s;
}

/** What main saves for its post step (GITHUB_STATE), rewritten before each risky write. */
export interface PostState {
  phase: 'idle' | 'switching' | 'switched' | 'done';
  namespace: string;
  service: string;
  /** The selector to restore if main dies between a switch and its verdict. */
  restoreSelector: Record<string, string>;
  kubeconfig: string;
  context: string;
  /** The flagd flag the switch moved and its text before (restored with the selector). */
  flag?: FlagSnapshot;
}
