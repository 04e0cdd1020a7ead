import type { InstalledDistribution } from './python-env.js';

/**
 * Installed Python distributions matched to the components of the lockfiles (no license parsing:
 * loaded on every run).
 */

/** PEP 503 name normalisation. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Versions compared as pip does for the common spellings: case, a leading v, and 1.0 == 1.0.0 are not differences. */
export function normaliseVersion(version: string): string {
  let v = version.trim().toLowerCase().replace(/^v/, '');
  const release = /^(\d+(?:\.\d+)*)(.*)$/.exec(v);
  if (release?.[1] !== undefined) v = release[1].replace(/(?:\.0)+$/, '') + (release[2] ?? '');
  return v;
}

export interface EnvironmentMatch {
  distributions: number;
  /** Components that got their licenses from the environment. */
  matched: number;
  /** Distributions installed but in no lockfile (named for the log). */
  unmatched: string[];
}

/**
 * Puts each installed distribution's licenses on the Python components with its name and version
 * (those without licenses of their own).
 */
export function applyEnvironmentLicenses(
  packages: ReadonlyArray<{ ecosystem: string; name: string; version: string | undefined; licenses: string[] }>,
  distributions: readonly InstalledDistribution[],
): EnvironmentMatch {
  const keyOf = (name: string, version: string): string => `${normaliseName(name)}@${normaliseVersion(version)}`;
  // The same distribution can be installed twice (a dist-info beside a system egg-info): the first with licenses wins.
  const byKey = new Map<string, InstalledDistribution>();
  for (const d of distributions) {
    const key = keyOf(d.name, d.version);
    const seen = byKey.get(key);
    if (!seen || (seen.licenses.length === 0 && d.licenses.length > 0)) byKey.set(key, d);
  }
  const used = new Set<string>();
  let matched = 0;
  for (const pkg of packages) {
    if (pkg.ecosystem !== 'pypi' || pkg.version === undefined) continue;
    const key = keyOf(pkg.name, pkg.version);
    const dist = byKey.get(key);
    if (!dist) continue;
    used.add(key);
    if (pkg.licenses.length > 0 || dist.licenses.length === 0) continue;
    pkg.licenses.push(...dist.licenses);
    matched++;
  }
  return {
    distributions: distributions.length,
    matched,
    unmatched: distributions.filter((d) => !used.has(keyOf(d.name, d.version))).map((d) => `${d.name} ${d.version}`),
  };
}
