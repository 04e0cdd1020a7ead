import { UserError } from '@spikeformer-actions/core';
import { isDeepStrictEqual } from 'node:util';
import { ConflictError } from './errors.js';
import type { Kubectl } from './kubectl.js';
import type { Deployment, KubeObject, Service } from './types.js';

export interface UpdateOptions {
  /**
   * How often to re-read and re-run `mutate` after a conflict (default 0: the conflict is
   * reported). A retry never writes a stale object: `mutate` sees the fresh version each time.
   */
  conflictRetries?: number;
}

export interface UpdateResult<T> {
  object: T;
  changed: boolean;
  /** Read-modify-write rounds (more than 1 after conflicts). */
  rounds: number;
}

/**
 * Read-modify-write with optimistic concurrency: read, let `mutate` change a copy, and replace
 * with the resourceVersion that was read as the precondition. `mutate` returns the new object,
 * or undefined for "no change" (then nothing is written).
 */
export async function updateObject<T extends KubeObject>(
  kubectl: Kubectl,
  resource: string,
  name: string,
  mutate: (current: T) => T | undefined,
  options: UpdateOptions = {},
): Promise<UpdateResult<T>> {
  const retries = options.conflictRetries ?? 0;
  for (let round = 1; ; round++) {
    const current = await kubectl.mustGet<T>(resource, name);
    const next = mutate(structuredClone(current));
    if (next === undefined || isDeepStrictEqual(next, current))
      return { object: current, changed: false, rounds: round };
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    try {
      return { object: await kubectl.replace(next), changed: true, rounds: round };
    } catch (error) {
      if (error instanceof ConflictError && round <= retries) continue;
      throw error;
    }
  }
}

/**
 * Sets one container's image of a Deployment (preconditioned like every read-modify-write). The
 * controller's status writes change a Deployment's resourceVersion all through a rollout, so this
 * re-reads up to 3 times by default; the change is recomputed on the fresh object each time.
 */
export async function setDeploymentImage(
  kubectl: Kubectl,
  deployment: string,
  container: string,
  image: string,
  options: UpdateOptions = { conflictRetries: 3 },
): Promise<UpdateResult<Deployment>> {
  return updateObject<Deployment>(
    kubectl,
    'deployment',
    deployment,
    (d) => {
      const target = d.spec.template.spec.containers.find((c) => c.name === container);
      if (!target) {
        const names = d.spec.template.spec.containers.map((c) => c.name).join(', ');
        throw new UserError(`deployment/${deployment} has no container '${container}' (containers: ${names})`);
      }
      if (target.image === image) return undefined;
      target.image = image;
      return d;
    },
    options,
  );
}

/**
 * Points a Service at new pods by replacing its selector. An empty selector is refused: it
 * would detach the Service from every pod (Argo Rollouts #4750).
 */
export async function setServiceSelector(
  kubectl: Kubectl,
  service: string,
  selector: Record<string, string>,
  options: UpdateOptions & { expectedResourceVersion?: string } = {},
): Promise<UpdateResult<Service>> {
  if (Object.keys(selector).length === 0)
    throw new UserError(`refusing to give service/${service} an empty selector: it would select no pods`);
  return updateObject<Service>(
    kubectl,
    'service',
    service,
    (s) => {
      if (options.expectedResourceVersion && s.metadata.resourceVersion !== options.expectedResourceVersion) {
        throw new ConflictError(
          `service/${service} changed since resourceVersion ${options.expectedResourceVersion} (now ${s.metadata.resourceVersion ?? '?'}); not switching its selector`,
          `service/${service}`,
          options.expectedResourceVersion,
          1,
          '',
        );
      }
      if (isDeepStrictEqual(s.spec.selector ?? {}, selector)) return undefined;
      s.spec.selector = { ...selector };
      return s;
    },
    options,
  );
}
