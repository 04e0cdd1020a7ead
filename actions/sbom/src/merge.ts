import type { Conflict, Ecosystem, LockedPackage, LockfileReport, Unresolved } from './model.js';
import { addHashes, npmPurl, pypiPurl, sameHash } from './names.js';

/** One lockfile's project: a component of its own that depends on that lockfile's direct dependencies. */
export interface RootComponent {
  id: string;
  file: string;
  kind: LockfileReport['kind'];
  format: string;
  ecosystem: Ecosystem;
  name: string;
  version: string | undefined;
  purl: string | undefined;
  dependsOn: string[];
  hasGraph: boolean;
}

export interface MergedInventory {
  roots: RootComponent[];
  /** Deduplicated by purl across lockfiles, sorted by id. */
  packages: LockedPackage[];
  conflicts: Conflict[];
  unresolved: Array<Unresolved & { file: string }>;
}

/** Ids that are not purls are only unique within their lockfile. */
function globalId(report: LockfileReport, id: string): string {
  return id.startsWith('pkg:') ? id : `${report.file}#${id}`;
}

function rootName(report: LockfileReport): string {
  if (report.root.name !== '') return report.root.name;
  const dir = report.file.includes('/') ? report.file.slice(0, report.file.lastIndexOf('/')) : '';
  return dir === '' ? report.file : dir;
}

export function mergeReports(reports: readonly LockfileReport[]): MergedInventory {
  const byId = new Map<string, LockedPackage>();
  const conflicts: Conflict[] = [];
  const unresolved: MergedInventory['unresolved'] = [];
  const roots: RootComponent[] = [];
  for (const report of reports) {
    conflicts.push(...report.conflicts);
    unresolved.push(...report.unresolved.map((u) => ({ ...u, file: report.file })));
    const named = report.root.name !== '';
    roots.push({
      id: `lockfile:${report.file}`,
      file: report.file,
      kind: report.kind,
      format: report.format,
      ecosystem: report.ecosystem,
      name: rootName(report),
      version: report.root.version,
      purl: named
        ? report.ecosystem === 'npm'
          ? npmPurl(report.root.name, report.root.version)
          : pypiPurl(report.root.name, report.root.version)
        : undefined,
      dependsOn: report.root.dependsOn.map((id) => globalId(report, id)),
      hasGraph: report.hasGraph,
    });
    for (const original of report.packages) {
      const pkg: LockedPackage = {
        ...original,
        id: globalId(report, original.id),
        dependsOn: original.dependsOn.map((id) => globalId(report, id)),
        hashes: [...original.hashes],
        artifacts: [...original.artifacts],
        licenses: [...original.licenses],
        properties: [...original.properties, ['spikeformer:sbom:lockfile', report.file]],
      };
      const existing = byId.get(pkg.id);
      if (!existing) {
        byId.set(pkg.id, pkg);
        continue;
      }
      // The same package in two lockfiles: one component, dev/optional only if it is everywhere.
      existing.dev &&= pkg.dev;
      existing.optional &&= pkg.optional;
      existing.direct ||= pkg.direct;
      const clash = pkg.hashes.find((h) => existing.hashes.some((x) => x.alg === h.alg && !sameHash(x, h)));
      if (clash) {
        const files = existing.properties.filter(([k]) => k === 'spikeformer:sbom:lockfile').map(([, v]) => v);
        conflicts.push({
          purl: pkg.purl,
          problem: `${pkg.name}@${pkg.version ?? '?'} has a different ${clash.alg} in ${report.file} than in ${files.join(', ')}`,
          files: [...files, report.file],
        });
      }
      addHashes(existing.hashes, pkg.hashes);
      for (const a of pkg.artifacts) {
        if (
          !existing.artifacts.some(
            (x) => x.url === a.url && x.hashes.every((h) => a.hashes.some((y) => sameHash(h, y))),
          )
        )
          existing.artifacts.push(a);
      }
      for (const l of pkg.licenses) if (!existing.licenses.includes(l)) existing.licenses.push(l);
      for (const d of pkg.dependsOn) if (!existing.dependsOn.includes(d)) existing.dependsOn.push(d);
      for (const p of pkg.properties)
        if (!existing.properties.some(([k, v]) => k === p[0] && v === p[1])) existing.properties.push(p);
    }
  }
  const packages = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const pkg of packages) pkg.dependsOn.sort();
  for (const root of roots) root.dependsOn.sort();
  return { roots, packages, conflicts, unresolved };
}
