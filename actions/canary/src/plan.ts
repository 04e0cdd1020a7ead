import type { Parsed } from '@spikeformer-actions/core';

/**
 * The weight plan: parsed and validated before anything touches the cluster, so a plan the
 * router cannot carry out is a clear error instead of a silent "promotion" (Flagger #189).
 */

export const ROUTERS = ['replicas', 'nginx-ingress', 'gateway-api', 'smi'] as const;
export type RouterKind = (typeof ROUTERS)[number];

/** `10,50,100` or `10%, 50%, 100%` → [10, 50, 100]. */
export function parseSteps(entries: readonly string[]): Parsed<number[]> {
  const steps: number[] = [];
  for (const entry of entries) {
    const text = entry.trim().replace(/%$/, '');
    if (!/^\d+(\.\d+)?$/.test(text))
      return { ok: false, problem: `"${entry}" is not a weight (a percentage from 1 to 100)` };
    steps.push(Number(text));
  }
  return { ok: true, value: steps };
}

/** Rules every router shares: weights in (0, 100], strictly rising, the last one 100. */
export function checkPlan(steps: readonly number[]): string[] {
  const problems: string[] = [];
  if (steps.length === 0) return ['the plan has no steps; give weights such as 10,50,100'];
  steps.forEach((w, i) => {
    if (!(w > 0 && w <= 100)) problems.push(`step ${i + 1}: weight ${w} is outside 1–100`);
    const before = steps[i - 1];
    if (before !== undefined && w <= before)
      problems.push(`step ${i + 1}: weight ${w} does not go up from ${before} (weights must rise step by step)`);
  });
  const last = steps[steps.length - 1];
  if (last !== 100)
    problems.push(`the last step is ${last}%, not 100%: a canary is only promoted after it carried all the traffic`);
  return problems;
}

/** How the replicas router expresses a weight: canary pods next to the stable ones. */
export interface ReplicaSplit {
  weight: number;
  canary: number;
  stable: number;
  /** The share of ready pods (= traffic through the Service) the canary actually gets, in %. */
  actual: number;
}

/** Largest gap between a requested weight and the pod ratio that expresses it. */
export const REPLICA_TOLERANCE = 1;

/**
 * Canary pods for `weight` with `stableReplicas` stable pods kept: c / (stable + c) ≈ weight.
 * At 100 the stable is scaled to zero and the canary runs `stableReplicas` pods.
 */
export function replicaSplit(weight: number, stableReplicas: number): ReplicaSplit {
  if (weight >= 100) return { weight, canary: stableReplicas, stable: 0, actual: 100 };
  if (weight <= 0) return { weight, canary: 0, stable: stableReplicas, actual: 0 };
  const canary = Math.round((stableReplicas * weight) / (100 - weight));
  const actual = canary === 0 ? 0 : Math.round((canary / (stableReplicas + canary)) * 10_000) / 100;
  return { weight, canary, stable: stableReplicas, actual };
}

/** Whether each weight is expressible by the router; problems name the step and say what would work. */
export function checkRouterPlan(router: RouterKind, steps: readonly number[], stableReplicas: number): string[] {
  const problems: string[] = [];
  if (router === 'replicas') {
    if (stableReplicas < 1)
      return [
        `the stable Deployment has ${stableReplicas} replicas; the replicas router needs at least 1 to split traffic by pods`,
      ];
    steps.forEach((w, i) => {
      if (w >= 100) return;
      const split = replicaSplit(w, stableReplicas);
      if (split.canary === 0 || Math.abs(split.actual - w) > REPLICA_TOLERANCE) {
        const options = Array.from({ length: 10 }, (_, c) => c + 1).map(
          (c) => `${Math.round((c / (stableReplicas + c)) * 1000) / 10}%`,
        );
        problems.push(
          `step ${i + 1}: ${w}% cannot be expressed with ${stableReplicas} stable pod(s) by the replicas router ` +
            `(${split.canary} canary pod(s) would be ${split.actual}%); expressible weights are ${options.slice(0, 6).join(', ')}, …; ` +
            'change the steps, scale the stable, or use a traffic router (nginx-ingress, gateway-api, smi)',
        );
      }
      if (split.canary > 100) problems.push(`step ${i + 1}: ${w}% would need ${split.canary} canary pods`);
    });
  } else {
    steps.forEach((w, i) => {
      if (!Number.isInteger(w))
        problems.push(`step ${i + 1}: ${w}% is not a whole percentage, which ${router} weights must be`);
    });
  }
  return problems;
}
