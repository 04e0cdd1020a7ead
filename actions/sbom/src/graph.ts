import type { LockedPackage } from './model.js';

/**
 * Every id reachable from the start ids along dependsOn (the start ids included). Iterative: lock
 * graphs can be deep.
 */
export function reachable(start: Iterable<string>, byId: ReadonlyMap<string, LockedPackage>): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length > 0) {
    const id = stack.pop();
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    const pkg = byId.get(id);
    if (pkg) for (const dep of pkg.dependsOn) if (!seen.has(dep)) stack.push(dep);
  }
  return seen;
}

export function indexById(packages: readonly LockedPackage[]): Map<string, LockedPackage> {
  return new Map(packages.map((p) => [p.id, p]));
}

/**
 * Scopes from the graph, for locks that do not record them (pnpm 9, yarn, uv): what the
 * runtime roots reach is required; what only optional roots reach is optional; what only dev
 * roots reach is dev. Packages no root reaches keep the flags the reader gave them.
 */
export function scopeByReachability(
  packages: readonly LockedPackage[],
  roots: { runtime: Iterable<string>; optional?: Iterable<string>; dev?: Iterable<string> },
): void {
  const byId = indexById(packages);
  const runtime = reachable(roots.runtime, byId);
  const optional = reachable(roots.optional ?? [], byId);
  const dev = reachable(roots.dev ?? [], byId);
  for (const pkg of packages) {
    if (runtime.has(pkg.id)) {
      pkg.dev = false;
      pkg.optional = false;
    } else if (optional.has(pkg.id)) {
      pkg.dev = false;
      pkg.optional = true;
    } else if (dev.has(pkg.id)) {
      pkg.dev = true;
    }
  }
}

export function edgeCount(packages: readonly LockedPackage[]): number {
  return packages.reduce((n, p) => n + p.dependsOn.length, 0);
}
