import type { Deployment } from '../kube/types.js';

/** The images a Deployment's pod template runs, by container. */
export function imagesOf(deployment: Deployment): Record<string, string> {
  return Object.fromEntries(deployment.spec.template.spec.containers.map((c) => [c.name, c.image]));
}

/** `k=v,k2=v2`, as kubectl's -l takes it. */
export function labelSelector(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
