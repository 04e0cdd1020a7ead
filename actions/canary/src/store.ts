import { UserError } from '@spikeformer-actions/core';
import {
  type Deployment,
  type Kubectl,
  type Service,
  updateObject,
  waitForDeletion,
} from '@spikeformer-actions/delivery/kube';
import { isDeepStrictEqual } from 'node:util';
import type { RouterKind } from './plan.js';
import type { ImageChange } from '@spikeformer-actions/delivery/rollout';
import { canaryDeployment, canaryName } from './routes.js';
import { ANNOTATIONS, type CanaryState, type Progress, readState, stateAnnotations } from './state.js';

/** The canary Deployment and the state in its annotations. */
export class CanaryStore {
  constructor(
    private readonly kubectl: Kubectl,
    readonly deployment: string,
    private readonly rolloutTimeoutMs: number,
  ) {}

  get name(): string {
    return canaryName(this.deployment);
  }

  async stable(): Promise<Deployment> {
    const d = await this.kubectl.get<Deployment>('deployment', this.deployment);
    if (!d)
      throw new UserError(
        `deployment/${this.deployment} (the stable) not found${this.kubectl.namespace ? ` in namespace ${this.kubectl.namespace}` : ''}`,
      );
    return d;
  }

  async service(name: string): Promise<Service> {
    const s = await this.kubectl.get<Service>('service', name);
    if (!s) throw new UserError(`service/${name} not found`);
    return s;
  }

  async read(): Promise<{ object: Deployment | undefined; state: CanaryState | undefined }> {
    const object = await this.kubectl.get<Deployment>('deployment', this.name);
    return { object, state: object ? readState(object.metadata.annotations) : undefined };
  }

  /**
   * Creates the canary (0 replicas) or re-uses the one that is there: the same object, never a
   * second one. A changed selector (another router) cannot be updated in place, so that object
   * is replaced.
   */
  async install(
    stable: Deployment,
    router: RouterKind,
    serviceSelector: Record<string, string>,
    images: readonly ImageChange[],
    state: CanaryState,
  ): Promise<'created' | 'updated' | 'replaced'> {
    let wanted: Deployment;
    try {
      wanted = canaryDeployment(stable, this.deployment, router, serviceSelector, images);
    } catch (error) {
      throw new UserError(error instanceof Error ? error.message : String(error));
    }
    wanted.metadata.annotations = stateAnnotations(state);
    const existing = await this.kubectl.get<Deployment>('deployment', this.name);
    if (existing && !isDeepStrictEqual(existing.spec.selector, wanted.spec.selector)) {
      await this.kubectl.delete('deployment', this.name, { ignoreNotFound: true });
      await waitForDeletion(this.kubectl, 'deployment', this.name, { timeoutMs: this.rolloutTimeoutMs, pollMs: 500 });
      await this.kubectl.create(wanted);
      return 'replaced';
    }
    if (!existing) {
      await this.kubectl.create(wanted);
      return 'created';
    }
    await updateObject<Deployment>(
      this.kubectl,
      'deployment',
      this.name,
      (d) => {
        d.spec.template = wanted.spec.template;
        d.metadata.labels = { ...(d.metadata.labels ?? {}), ...(wanted.metadata.labels ?? {}) };
        d.metadata.annotations = { ...(d.metadata.annotations ?? {}), ...wanted.metadata.annotations };
        return d;
      },
      { conflictRetries: 3 },
    );
    return 'updated';
  }

  /** Records progress on the canary (preconditioned; re-read on conflicts with the controller's status writes). */
  async setProgress(progress: Progress): Promise<void> {
    await updateObject<Deployment>(
      this.kubectl,
      'deployment',
      this.name,
      (d) => {
        d.metadata.annotations = {
          ...(d.metadata.annotations ?? {}),
          [ANNOTATIONS.progress]: JSON.stringify(progress),
        };
        return d;
      },
      { conflictRetries: 5 },
    );
  }

  async remove(): Promise<void> {
    await this.kubectl.delete('deployment', this.name, { ignoreNotFound: true });
  }
}
