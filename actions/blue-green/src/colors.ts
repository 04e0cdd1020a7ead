import type { Deployment } from '@spikeformer-actions/delivery/kube';
import { type ImageChange, imagesOf, labelSelector } from '@spikeformer-actions/delivery/rollout';

export { imagesOf, labelSelector };

/** The pod label that tells the colours apart; the Services select on it. */
export const COLOR_LABEL = 'spikeformer.io/color';
export const COLORS = ['blue', 'green'] as const;
export type Color = (typeof COLORS)[number];

export function otherColor(color: Color): Color {
  return color === 'blue' ? 'green' : 'blue';
}

export function isColor(value: unknown): value is Color {
  return value === 'blue' || value === 'green';
}

export function colorDeployment(base: string, color: Color): string {
  return `${base}-${color}`;
}

/** A selector with the colour label set to `color`, every other label kept. */
export function selectorFor(selector: Readonly<Record<string, string>>, color: Color): Record<string, string> {
  return { ...selector, [COLOR_LABEL]: color };
}

/** Whether every requested image is what the Deployment already runs. */
export function runsImages(deployment: Deployment, changes: readonly ImageChange[]): boolean {
  const images = imagesOf(deployment);
  return changes.every((c) => images[c.container] === c.image);
}

/**
 * The idle colour's Deployment made from a template (the active colour's Deployment, or the
 * user's manifest): renamed, the colour label set on its selector and pod template, server-owned
 * fields dropped, the new images applied. Pure: the input is not changed.
 */
export function idleDeployment(
  template: Deployment,
  base: string,
  color: Color,
  changes: readonly ImageChange[],
  replicas: number | undefined,
): Deployment {
  const d = structuredClone(template);
  const labels = { ...(d.metadata.labels ?? {}), [COLOR_LABEL]: color };
  d.metadata = {
    name: colorDeployment(base, color),
    labels,
    ...(d.metadata.namespace ? { namespace: d.metadata.namespace } : {}),
    ...(d.metadata.annotations ? { annotations: stripServerAnnotations(d.metadata.annotations) } : {}),
  };
  d.spec.selector = {
    ...d.spec.selector,
    matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [COLOR_LABEL]: color },
  };
  d.spec.template.metadata = {
    ...d.spec.template.metadata,
    labels: { ...(d.spec.template.metadata?.labels ?? {}), [COLOR_LABEL]: color },
  };
  if (replicas !== undefined) d.spec.replicas = replicas;
  for (const change of changes) {
    const container = d.spec.template.spec.containers.find((c) => c.name === change.container);
    if (!container) {
      const names = d.spec.template.spec.containers.map((c) => c.name).join(', ');
      throw new Error(
        `deployment ${template.metadata.name} has no container '${change.container}' (containers: ${names})`,
      );
    }
    container.image = change.image;
  }
  delete (d as { status?: unknown }).status;
  return d;
}

function stripServerAnnotations(annotations: Record<string, string>): Record<string, string> | undefined {
  const kept = Object.fromEntries(
    Object.entries(annotations).filter(
      ([k]) => !k.startsWith('deployment.kubernetes.io/') && k !== 'kubectl.kubernetes.io/last-applied-configuration',
    ),
  );
  return Object.keys(kept).length ? kept : undefined;
}
