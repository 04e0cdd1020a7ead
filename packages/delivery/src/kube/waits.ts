import { UserError } from '@spikeformer-actions/core';
import { sleep } from '../sleep.js';
import { KubectlError } from './errors.js';
import type { Kubectl } from './kubectl.js';
import {
  deploymentRollout,
  podProblems,
  podReady,
  readyEndpointAddresses,
  readySliceAddresses,
  type PodProblem,
  type RolloutStatus,
} from './readiness.js';
import { selectorString } from './selectors.js';
import type { Deployment, Endpoints, EndpointSlice, Pod, ReplicaSet } from './types.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

export interface WaitOptions {
  timeoutMs: number;
  /** Time between two reads (default 2 s). */
  pollMs?: number;
  clock?: Clock;
}

/** A wait that ran out of time; `last` says what was seen last. */
export class WaitTimeoutError extends KubectlError {
  constructor(
    what: string,
    timeoutMs: number,
    readonly last: string,
  ) {
    super(
      `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}; last seen: ${last}`,
      'timeout',
      1,
      '',
    );
    this.name = 'WaitTimeoutError';
  }
}

/** A rollout that will not finish: deadline exceeded, or pods crash-looping / failing to pull. */
export class RolloutFailedError extends UserError {
  constructor(
    message: string,
    readonly problems: PodProblem[],
  ) {
    super(message);
    this.name = 'RolloutFailedError';
  }
}

async function poll<T>(
  what: string,
  options: WaitOptions,
  step: () => Promise<{ done: true; value: T } | { done: false; last: string }>,
): Promise<T> {
  const clock = options.clock ?? realClock;
  const deadline = clock.now() + options.timeoutMs;
  for (;;) {
    const outcome = await step();
    if (outcome.done) return outcome.value;
    if (clock.now() >= deadline) throw new WaitTimeoutError(what, options.timeoutMs, outcome.last);
    await clock.sleep(Math.min(options.pollMs ?? 2000, Math.max(0, deadline - clock.now())));
  }
}

function describeProblems(problems: readonly PodProblem[]): string {
  return problems
    .slice(0, 5)
    .map(
      (p) =>
        `pod ${p.pod} container ${p.container}: ${p.reason}${p.restarts > 0 ? ` (${p.restarts} restarts)` : ''}${p.message ? ` – ${p.message}` : ''}`,
    )
    .join('; ');
}

/** The pods of a Deployment's newest ReplicaSet (the ones the rollout waits for). */
export async function newestPods(kubectl: Kubectl, deployment: Deployment): Promise<Pod[]> {
  const selector = selectorString(deployment.spec.selector);
  const sets = (await kubectl.list<ReplicaSet>('replicasets', { labelSelector: selector })).items.filter((rs) =>
    (rs.metadata.ownerReferences ?? []).some((o) => o.uid === deployment.metadata.uid),
  );
  const revision = (rs: ReplicaSet): number =>
    Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
  const newest = sets.sort((a, b) => revision(b) - revision(a))[0];
  const hash = newest?.metadata.labels?.['pod-template-hash'];
  if (!hash) return [];
  return (await kubectl.list<Pod>('pods', { labelSelector: `${selector},pod-template-hash=${hash}` })).items;
}

/**
 * Waits until a Deployment has rolled out. Fails early (RolloutFailedError) on a passed progress
 * deadline or, with `failFast` (default), as soon as a new pod is crash-looping or cannot pull.
 */
export async function waitForRollout(
  kubectl: Kubectl,
  name: string,
  options: WaitOptions & { failFast?: boolean },
): Promise<RolloutStatus> {
  return poll(`deployment/${name} to roll out`, options, async () => {
    const d = await kubectl.mustGet<Deployment>('deployment', name);
    const status = deploymentRollout(d);
    if (status.state === 'complete') return { done: true, value: status };
    if (status.state === 'failed') {
      const problems = podProblems(await newestPods(kubectl, d));
      throw new RolloutFailedError(
        `${status.message}${problems.length ? `: ${describeProblems(problems)}` : ''}`,
        problems,
      );
    }
    if (options.failFast !== false) {
      const problems = podProblems(await newestPods(kubectl, d));
      if (problems.length > 0)
        throw new RolloutFailedError(`deployment "${name}" is failing: ${describeProblems(problems)}`, problems);
    }
    return { done: false, last: status.message };
  });
}

export type EndpointsTarget = { service: string; pods?: string } | { selector: string };

/**
 * Waits for ready endpoints: of a Service (its EndpointSlices, or Endpoints where slices are not
 * served), optionally only ones belonging to pods matching `pods` (after a selector switch the old
 * pods' endpoints must be gone), or of the pods matching a selector. Returns the ready addresses.
 */
export async function waitForReadyEndpoints(
  kubectl: Kubectl,
  target: EndpointsTarget,
  options: WaitOptions & { minReady?: number },
): Promise<string[]> {
  const minReady = options.minReady ?? 1;
  const what =
    'service' in target ? `ready endpoints of service/${target.service}` : `ready pods matching ${target.selector}`;
  let slicesServed = true;
  const readyAddresses = async (): Promise<string[]> => {
    if ('selector' in target)
      return (await kubectl.list<Pod>('pods', { labelSelector: target.selector })).items
        .filter(podReady)
        .map((p) => p.status?.podIP ?? '')
        .filter((ip) => ip !== '');
    if (slicesServed) {
      try {
        return readySliceAddresses(
          (
            await kubectl.list<EndpointSlice>('endpointslices.discovery.k8s.io', {
              labelSelector: `kubernetes.io/service-name=${target.service}`,
            })
          ).items,
        );
      } catch (error) {
        if (!(error instanceof KubectlError) || !/doesn't have a resource type/.test(error.message)) throw error;
        slicesServed = false;
      }
    }
    return readyEndpointAddresses(await kubectl.get<Endpoints>('endpoints', target.service));
  };
  return poll(what, options, async () => {
    const ready = await readyAddresses();
    if ('service' in target && target.pods) {
      const wanted = new Set(
        (await kubectl.list<Pod>('pods', { labelSelector: target.pods })).items
          .filter(podReady)
          .map((p) => p.status?.podIP),
      );
      const foreign = ready.filter((ip) => !wanted.has(ip));
      if (foreign.length > 0 || ready.length < minReady)
        return {
          done: false,
          last: `${ready.length - foreign.length} ready endpoint(s) of pods ${target.pods}, ${foreign.length} of other pods`,
        };
      return { done: true, value: ready };
    }
    if (ready.length >= minReady) return { done: true, value: ready };
    return { done: false, last: `${ready.length} of ${minReady} ready` };
  });
}

/** Waits until an object is gone (404). */
export async function waitForDeletion(
  kubectl: Kubectl,
  resource: string,
  name: string,
  options: WaitOptions,
): Promise<void> {
  await poll(`${resource}/${name} to be deleted`, options, async () => {
    const found = await kubectl.get(resource, name);
    if (!found) return { done: true, value: undefined };
    return {
      done: false,
      last: found.metadata.deletionTimestamp
        ? `terminating since ${found.metadata.deletionTimestamp}`
        : 'still present',
    };
  });
}
