import { kubectlFor } from '@spikeformer-actions/delivery/rollout';
import { getState, info, runAction, warning } from '@spikeformer-actions/core';
import { type Deployment, updateObject } from '@spikeformer-actions/delivery/kube';
import type { PostState } from './flow.js';
import { STATE_KEY } from './flow.js';
import { Router } from './router.js';
import { canaryName } from './routes.js';
import { ANNOTATIONS, readState } from './state.js';
import { CanaryFlag } from './flag.js';

/**
 * Runs at the end of the job, also when it was cancelled: if main stopped mid-canary, all
 * traffic goes to the stable (and a flag the canary moved goes back), and the canary is marked interrupted, so a re-run resumes it.
 */
async function post(): Promise<void> {
  const raw = getState(STATE_KEY);
  if (!raw) return;
  const state = JSON.parse(raw) as PostState;
  if (state.phase !== 'progressing') return;
  const kubectl = kubectlFor({
    kubeconfig: state.kubeconfig,
    context: state.context,
    namespace: state.router.namespace,
  });
  const router = new Router(kubectl, state.router, (step, detail) => info(`canary post: ${step}: ${detail}`));
  const name = canaryName(state.router.deployment);
  const canary = await kubectl.get<Deployment>('deployment', name);
  const current = canary ? readState(canary.metadata.annotations) : undefined;
  await router.toStable(current?.plan ?? undefined);
  await CanaryFlag.of(kubectl, current?.plan.flag, (step, detail) => info(`canary post: ${step}: ${detail}`)).restore();
  if (canary && current) {
    await updateObject<Deployment>(
      kubectl,
      'deployment',
      name,
      (d) => {
        const progress = {
          ...current.progress,
          phase: 'interrupted',
          weight: 0,
          updatedAt: new Date().toISOString(),
          reason: 'main was cancelled; the post step sent all traffic to the stable',
        };
        d.metadata.annotations = {
          ...(d.metadata.annotations ?? {}),
          [ANNOTATIONS.progress]: JSON.stringify(progress),
        };
        return d;
      },
      { conflictRetries: 5 },
    );
  } else if (!canary) {
    warning(`canary post: deployment/${name} is gone; routes were set to the stable`);
  }
  info(
    `canary post: main did not finish; 100% of the traffic is on ${state.router.deployment}; re-run to resume, or run action abort`,
  );
}

await runAction(post, { name: 'canary (post)' });
