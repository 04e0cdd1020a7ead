import type { Deployment, Endpoints, EndpointSlice, Pod } from './types.js';

/** Pure judgements over objects read back from the cluster: rollout progress, pod trouble, endpoints. */

export type RolloutState = 'complete' | 'progressing' | 'failed';

export interface RolloutStatus {
  state: RolloutState;
  message: string;
}

/** kubectl's `rollout status` logic for a Deployment, plus the deadline as a failure. */
export function deploymentRollout(d: Deployment): RolloutStatus {
  const name = d.metadata.name;
  const generation = d.metadata.generation ?? 0;
  const status = d.status ?? {};
  if ((status.observedGeneration ?? 0) < generation)
    return { state: 'progressing', message: `waiting for deployment "${name}" spec update to be observed` };
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return { state: 'failed', message: `deployment "${name}" exceeded its progress deadline` };
  const desired = d.spec.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < desired)
    return { state: 'progressing', message: `${updated} of ${desired} updated replicas are available` };
  if (replicas > updated)
    return { state: 'progressing', message: `${replicas - updated} old replicas are pending termination` };
  if (available < updated)
    return { state: 'progressing', message: `${available} of ${updated} updated replicas are available` };
  return { state: 'complete', message: `deployment "${name}" successfully rolled out` };
}

/** Waiting reasons that do not heal by waiting: the rollout is failing. */
export const FATAL_WAITING_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'ErrImageNeverPull',
]);

export interface PodProblem {
  pod: string;
  container: string;
  reason: string;
  message?: string;
  restarts: number;
}

export function podProblems(pods: readonly Pod[]): PodProblem[] {
  const problems: PodProblem[] = [];
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    for (const c of pod.status?.containerStatuses ?? []) {
      const reason = c.state?.waiting?.reason;
      if (reason && FATAL_WAITING_REASONS.has(reason)) {
        problems.push({
          pod: pod.metadata.name,
          container: c.name,
          reason,
          message: c.state?.waiting?.message,
          restarts: c.restartCount,
        });
      }
    }
  }
  return problems;
}

export function podReady(pod: Pod): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

/** Distinct ready addresses over the EndpointSlices of a Service (terminating endpoints excluded). */
export function readySliceAddresses(slices: readonly EndpointSlice[]): string[] {
  const ready = new Set<string>();
  for (const slice of slices) {
    for (const e of slice.endpoints ?? []) {
      if (e.conditions?.ready !== false && e.conditions?.terminating !== true)
        for (const a of e.addresses) ready.add(a);
    }
  }
  return [...ready].sort();
}

export function readyEndpointAddresses(endpoints: Endpoints | undefined): string[] {
  const ready = new Set<string>();
  for (const subset of endpoints?.subsets ?? []) for (const a of subset.addresses ?? []) ready.add(a.ip);
  return [...ready].sort();
}
