import type { MergedInventory } from './merge.js';

/**
 * GitHub's dependency submission API snapshot (POST /repos/{owner}/{repo}/dependency-graph/snapshots):
 * one manifest per lockfile, each package keyed by its purl, direct/indirect and runtime/development.
 */

export interface SnapshotContext {
  sha: string;
  ref: string;
  correlator: string;
  runId: string;
  /** The workflow run's page. */
  htmlUrl?: string;
  scanned: string;
  detector: { name: string; version: string; url: string };
}

interface ResolvedDependency {
  package_url: string;
  relationship: 'direct' | 'indirect';
  scope: 'runtime' | 'development';
  dependencies: string[];
}

export interface Snapshot {
  version: 0;
  sha: string;
  ref: string;
  job: { correlator: string; id: string; html_url?: string };
  detector: SnapshotContext['detector'];
  scanned: string;
  manifests: Record<
    string,
    { name: string; file: { source_location: string }; resolved: Record<string, ResolvedDependency> }
  >;
}

export function buildSnapshot(inventory: MergedInventory, context: SnapshotContext): Snapshot {
  const purlOf = new Map(
    inventory.packages.filter((p) => p.purl !== '' && p.version !== undefined).map((p) => [p.id, p.purl]),
  );
  const manifests: Snapshot['manifests'] = {};
  for (const root of inventory.roots) {
    const direct = new Set(root.dependsOn);
    const resolved: Record<string, ResolvedDependency> = {};
    for (const pkg of inventory.packages) {
      const purl = purlOf.get(pkg.id);
      if (purl === undefined || !pkg.properties.some(([k, v]) => k === 'spikeformer:sbom:lockfile' && v === root.file))
        continue;
      resolved[purl] = {
        package_url: purl,
        relationship: direct.has(pkg.id) ? 'direct' : 'indirect',
        scope: pkg.dev ? 'development' : 'runtime',
        dependencies: pkg.dependsOn.map((id) => purlOf.get(id)).filter((p): p is string => p !== undefined),
      };
    }
    manifests[root.file] = { name: root.file, file: { source_location: root.file }, resolved };
  }
  return {
    version: 0,
    sha: context.sha,
    ref: context.ref,
    job: {
      correlator: context.correlator,
      id: context.runId,
      ...(context.htmlUrl === undefined ? {} : { html_url: context.htmlUrl }),
    },
    detector: context.detector,
    scanned: context.scanned,
    manifests,
  };
}
