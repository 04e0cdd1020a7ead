import { own } from '../json-access.js';
import { normaliseEcosystem, normalisePackageName } from '../identifiers.js';
import type { PackageRef, Severity } from '../model.js';

/** Short lists (versions, paths): a linear check beats a Set. */
function uniqueNonEmpty(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) if (v !== '' && !out.includes(v)) out.push(v);
  return out;
}

export function packageRef(
  ecosystem: string,
  name: string,
  version: string,
  fixedVersions: readonly string[],
  paths: readonly string[],
): PackageRef {
  const eco = normaliseEcosystem(ecosystem);
  return {
    ecosystem: eco,
    name: normalisePackageName(eco, name),
    version,
    fixedVersions: uniqueNonEmpty(fixedVersions),
    paths: uniqueNonEmpty(paths),
  };
}

const WORDS: Record<string, Severity> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MEDIUM: 'medium',
  MODERATE: 'medium',
  LOW: 'low',
  NEGLIGIBLE: 'info',
  UNKNOWN: 'info',
  INFO: 'info',
  NONE: 'info',
};

/** A severity word any dependency scanner uses, or undefined when it is not one. */
export function severityWord(word: string | undefined): Severity | undefined {
  return word === undefined ? undefined : own(WORDS, word.trim().toUpperCase());
}

/** Message for a dependency finding: the vulnerability, the package and the fix (the advisory text is its description). */
export function dependencyMessage(id: string, name: string, version: string, fixed: readonly string[]): string {
  const fix = fixed.length > 0 ? `; fixed in ${fixed.join(', ')}` : '; no fixed version known';
  return `${id} in ${name} ${version}${fix}`;
}

/** The advisory text as a finding's description: its first line, trimmed; undefined when empty. */
export function advisoryText(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const nl = text.indexOf('\n');
  const line = (nl === -1 ? text : text.slice(0, nl)).trim();
  return line === '' ? undefined : line;
}
