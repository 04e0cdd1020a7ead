import { kubectlFor } from '@spikeformer-actions/delivery/rollout';
import { getState, info, runAction, safeInline, warning } from '@spikeformer-actions/core';
import { FlagMover } from '@spikeformer-actions/delivery/flags';
import { type Pod, podReady, type Service, updateObject } from '@spikeformer-actions/delivery/kube';
import { labelSelector } from './colors.js';
import { ANNOTATIONS, type PostState } from './state.js';

/**
 * Runs at the end of the job, also when it was cancelled: if main stopped between a switch and
 * its verdict, the Service gets back the last verified selector — only if that selector is
 * non-empty and matches ready pods.
 */
async function post(): Promise<void> {
  const raw = getState('blue-green');
  if (!raw) return;
  const state = JSON.parse(raw) as PostState;
  if (state.phase !== 'switching' && state.phase !== 'switched') return;
  const restore = state.restoreSelector;
  if (Object.keys(restore).length === 0) {
    warning(`blue-green post: no verified selector to restore for service/${state.service}; leaving it as it is`);
    return;
  }
  const kubectl = kubectlFor(state);
  const ready = (await kubectl.list<Pod>('pods', { labelSelector: labelSelector(restore) })).items.filter(
    podReady,
  ).length;
  if (ready === 0) {
    warning(
      `blue-green post: the last verified selector ${labelSelector(restore)} matches no ready pod; service/${state.service} is left as it is`,
    );
    return;
  }
  const result = await updateObject<Service>(
    kubectl,
    'service',
    state.service,
    (s) => {
      s.spec.selector = { ...restore };
      s.metadata.annotations = {
        ...(s.metadata.annotations ?? {}),
        [ANNOTATIONS.step]: 'rolled-back',
        [ANNOTATIONS.updatedAt]: new Date().toISOString(),
      };
      return s;
    },
    { conflictRetries: 3 },
  );
  info(
    `blue-green post: main did not finish after switching; service/${state.service} restored to ${labelSelector(restore)} (${ready} ready pod(s))${result.changed ? '' : ' (it already was)'}`,
  );
  if (state.flag) {
    const flag = await FlagMover.resume(kubectl, state.flag).restore();
    info(
      `blue-green post: flag ${safeInline(JSON.stringify(state.flag.flagKey))} in configmap/${state.flag.configMap} key ${state.flag.dataKey} ${flag.changed ? 'restored' : 'already was'} as before the switch${flag.exact ? ', byte for byte' : ' (another flag changed meanwhile and keeps its change)'}`,
    );
  }
}

await runAction(post, { name: 'blue-green (post)' });
