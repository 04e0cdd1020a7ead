import type { MergedInventory } from './merge.js';
import type { Ecosystem } from './model.js';

/** The numbers the job summary shows, computed from the merged inventory (pure). */

export interface EcosystemStats {
  ecosystem: Ecosystem;
  components: number;
  direct: number;
  transitive: number;
  dev: number;
  optional: number;
  withHashes: number;
  withLicenses: number;
}

export interface InventoryStats {
  ecosystems: EcosystemStats[];
  /** License → number of components declaring it, most common first. */
  licenses: Array<[string, number]>;
  lockfiles: Array<{ file: string; format: string; components: number; graph: boolean }>;
}

export function inventoryStats(inventory: MergedInventory): InventoryStats {
  const byEcosystem = new Map<Ecosystem, EcosystemStats>();
  const licenses = new Map<string, number>();
  for (const pkg of inventory.packages) {
    let s = byEcosystem.get(pkg.ecosystem);
    if (!s) {
      s = {
        ecosystem: pkg.ecosystem,
        components: 0,
        direct: 0,
        transitive: 0,
        dev: 0,
        optional: 0,
        withHashes: 0,
        withLicenses: 0,
      };
      byEcosystem.set(pkg.ecosystem, s);
    }
    s.components++;
    if (pkg.direct) s.direct++;
    else s.transitive++;
    if (pkg.dev) s.dev++;
    if (pkg.optional) s.optional++;
    if (pkg.hashes.length > 0 || pkg.artifacts.some((a) => a.hashes.length > 0)) s.withHashes++;
    if (pkg.licenses.length > 0) s.withLicenses++;
    for (const l of pkg.licenses) licenses.set(l, (licenses.get(l) ?? 0) + 1);
  }
  const perFile = new Map<string, number>();
  for (const pkg of inventory.packages) {
    for (const [k, v] of pkg.properties)
      if (k === 'spikeformer:sbom:lockfile') perFile.set(v, (perFile.get(v) ?? 0) + 1);
  }
  return {
    ecosystems: [...byEcosystem.values()].sort((a, b) => a.ecosystem.localeCompare(b.ecosystem)),
    licenses: [...licenses.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    lockfiles: inventory.roots.map((r) => ({
      file: r.file,
      format: r.format,
      components: perFile.get(r.file) ?? 0,
      graph: r.hasGraph,
    })),
  };
}
