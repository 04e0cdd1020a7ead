import { normaliseEcosystem, normalisePackageName } from '../identifiers.js';
import type { PackageRef, Severity } from '../model.js';

export function packageRef(ecosystem: string, name: string, version: string, fixedVersions: readonly string[], paths: readonly string[]): PackageRef {
  const eco = normaliseEcosystem(ecosystem);
  return {
    ecosystem: eco,
    name: normalisePackageName(eco, name),
    version,
    fixedVersions: [...new Set(fixedVersions.filter((v) => v !== ''))],
    paths: [...new Set(paths.filter((p) => p !== ''))],
  };
}

const WORDS: Record<string, Severity> = {
  CRITICAL: 'critical', HIGH: 'high', MEDIUM: 'medium', MODERATE: 'medium', LOW: 'low',
  NEGLIGIBLE: 'info', UNKNOWN: 'info', INFO: 'info', NONE: 'info',
};

/** A severity word any dependency scanner uses, or undefined when it is not one. */
export function severityWord(word: string | undefined): Severity | undefined {
  return word === undefined ? undefined : WORDS[word.trim().toUpperCase()];
}

/** Message for a dependency finding when the tool gives no title. */
export function dependencyMessage(id: string, name: string, version: string, fixed: readonly string[], title?: string): string {
  const fix = fixed.length > 0 ? `; fixed in ${fixed.join(', ')}` : '; no fixed version known';
  return `${id} in ${name} ${version}${fix}${title ? `: ${title}` : ''}`;
}
