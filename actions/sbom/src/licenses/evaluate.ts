import type { LockedPackage } from '../model.js';
import { alternatives, leafText, licenseListed } from './expression.js';
import { exceptionMatches, isExpired, type LicensePolicy, type PolicyException } from './policy.js';
import { resolveLicense } from './resolve.js';

/** The license policy applied to the packages of an inventory (pure). */

export type LicenseVerdict = 'allowed' | 'denied' | 'not allowed' | 'unknown';

export interface JudgedPackage {
  name: string;
  version: string | undefined;
  purl: string;
  /** SPDX expression, or the license text as found when it is none ('' when nothing was found). */
  license: string;
  spdx: boolean;
  verdict: LicenseVerdict;
  /** Why it is not allowed: the licenses denied or not allowed, or what the fields said. */
  problem: string;
  /** The exception that accepts it (an expired one never does). */
  exception: PolicyException | undefined;
}

export interface LicenseEvaluation {
  status: 'passed' | 'failed';
  /** Packages failing the policy, with no exception in force. */
  violations: JudgedPackage[];
  /** Packages with unknown licenses that only warn. */
  warnings: JudgedPackage[];
  /** Packages failing the policy that an exception accepts. */
  excepted: JudgedPackage[];
  /** Expired exceptions that would have matched a failing package. */
  expired: Array<{ exception: PolicyException; packages: string[] }>;
  /** License (expression, or "unknown: <text>") → packages and verdict, most packages first. */
  table: Array<{ license: string; packages: number; verdict: LicenseVerdict }>;
  judged: number;
  /** Development-only packages not judged (include-dev false). */
  skippedDev: number;
}

function verdictOf(
  pkg: LockedPackage,
  policy: LicensePolicy,
): { license: string; spdx: boolean; verdict: LicenseVerdict; problem: string } {
  const resolved = resolveLicense(pkg.licenses);
  if (resolved.node === undefined || resolved.expression === undefined) {
    return {
      license: resolved.text,
      spdx: false,
      verdict: 'unknown',
      problem: resolved.text === '' ? 'no license found' : 'not an SPDX license expression',
    };
  }
  const options = alternatives(resolved.node);
  if (options === undefined)
    return { license: resolved.expression, spdx: true, verdict: 'unknown', problem: 'too many alternatives to judge' };
  const judged = options.map((leaves) => ({
    denied: leaves.filter((l) => licenseListed(l, policy.deny)).map(leafText),
    missing: policy.allow.length === 0 ? [] : leaves.filter((l) => !licenseListed(l, policy.allow)).map(leafText),
  }));
  // One alternative without a denied or unlisted license is enough: MIT OR GPL-3.0-only passes where MIT is allowed.
  if (judged.some((j) => j.denied.length === 0 && j.missing.length === 0))
    return { license: resolved.expression, spdx: true, verdict: 'allowed', problem: '' };
  const unique = (lists: string[][]): string[] => [...new Set(lists.flat())];
  if (judged.every((j) => j.denied.length > 0)) {
    return {
      license: resolved.expression,
      spdx: true,
      verdict: 'denied',
      problem: `denied: ${unique(judged.map((j) => j.denied)).join(', ')}`,
    };
  }
  const open = judged.filter((j) => j.denied.length === 0);
  return {
    license: resolved.expression,
    spdx: true,
    verdict: 'not allowed',
    problem: `not in allow: ${unique(open.map((j) => j.missing)).join(', ')}`,
  };
}

export function evaluateLicenses(
  packages: readonly LockedPackage[],
  policy: LicensePolicy,
  options: { includeDev: boolean; today: string },
): LicenseEvaluation {
  const result: LicenseEvaluation = {
    status: 'passed',
    violations: [],
    warnings: [],
    excepted: [],
    expired: [],
    table: [],
    judged: 0,
    skippedDev: 0,
  };
  const rows = new Map<string, { license: string; packages: number; verdict: LicenseVerdict }>();
  const expired = new Map<PolicyException, string[]>();
  for (const pkg of packages) {
    if (pkg.dev && !options.includeDev) {
      result.skippedDev++;
      continue;
    }
    result.judged++;
    const v = verdictOf(pkg, policy);
    const key = v.spdx ? v.license : `unknown: ${v.license === '' ? '(none)' : v.license}`;
    const row = rows.get(key) ?? { license: key, packages: 0, verdict: v.verdict };
    row.packages++;
    rows.set(key, row);
    const failing =
      v.verdict === 'denied' || v.verdict === 'not allowed' || (v.verdict === 'unknown' && policy.unknown !== 'allow');
    if (!failing) continue;
    const matching = pkg.purl === '' ? [] : policy.exceptions.filter((e) => exceptionMatches(e, pkg.purl));
    const inForce = matching.find((e) => !isExpired(e, options.today));
    for (const e of matching) if (isExpired(e, options.today)) expired.set(e, [...(expired.get(e) ?? []), pkg.purl]);
    const judged: JudgedPackage = { name: pkg.name, version: pkg.version, purl: pkg.purl, ...v, exception: inForce };
    if (inForce) result.excepted.push(judged);
    else if (v.verdict === 'unknown' && policy.unknown === 'warn') result.warnings.push(judged);
    else result.violations.push(judged);
  }
  result.expired = [...expired.entries()].map(([exception, pkgs]) => ({ exception, packages: pkgs }));
  result.table = [...rows.values()].sort(
    (a, b) => b.packages - a.packages || (a.license < b.license ? -1 : a.license > b.license ? 1 : 0),
  );
  result.status = result.violations.length > 0 ? 'failed' : 'passed';
  return result;
}
