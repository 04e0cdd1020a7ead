import { InputError, parseYamlDocuments, readTextFile, workspaceRelative } from '@spikeformer-actions/core';
import type { Deployment } from '@spikeformer-actions/delivery/kube';
import { parseImagePairs } from '@spikeformer-actions/delivery/rollout';

/** The largest manifest file read. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What makes a document usable as the idle colour's Deployment; a problem names the file. */
function deploymentProblem(doc: Record<string, unknown>, shown: string): string | undefined {
  const spec = doc['spec'];
  const template = isRecord(spec) ? spec['template'] : undefined;
  const podSpec = isRecord(template) ? template['spec'] : undefined;
  const containers = isRecord(podSpec) ? podSpec['containers'] : undefined;
  if (!Array.isArray(containers) || containers.length === 0)
    return `${shown}: the Deployment has no containers (spec.template.spec.containers)`;
  const pairs: string[] = [];
  for (const [i, c] of containers.entries()) {
    if (!isRecord(c) || typeof c['name'] !== 'string' || typeof c['image'] !== 'string')
      return `${shown}: container ${i + 1} of the Deployment needs a name and an image`;
    pairs.push(`${c['name']}=${c['image']}`);
  }
  const images = parseImagePairs(pairs);
  return images.ok ? undefined : `${shown}: ${images.problem}`;
}

/**
 * The Deployment the `manifests` input describes (the first Deployment among its documents),
 * read and checked with the other inputs: bounded reads, YAML limits (aliases, depth, duplicate
 * keys) and a usable pod template, before the cluster is touched.
 */
export async function readManifestDeployment(files: readonly string[]): Promise<Deployment | undefined> {
  if (files.length === 0) return undefined;
  const shownFiles = files.map((f) => workspaceRelative(f));
  for (const [i, file] of files.entries()) {
    const shown = shownFiles[i] ?? file;
    for (const doc of parseYamlDocuments(await readTextFile(file, MAX_MANIFEST_BYTES, shown), shown)) {
      if (!isRecord(doc) || doc['kind'] !== 'Deployment') continue;
      const problem = deploymentProblem(doc, shown);
      if (problem) throw new InputError('manifests', problem);
      return doc as unknown as Deployment;
    }
  }
  throw new InputError('manifests', `no Deployment in ${shownFiles.join(', ')}`);
}
