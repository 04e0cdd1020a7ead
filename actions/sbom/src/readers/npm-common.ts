import type { LockedPackage } from '../model.js';
import { npmPurl } from '../names.js';

/** What npm, pnpm and yarn locks share: purls from how a package was resolved, license fields. */

const DEFAULT_REGISTRY = /^https?:\/\/registry\.(?:npmjs\.org|yarnpkg\.com)\/?$/;

/** The registry base of a registry tarball URL (`<base>/<name>/-/<file>.tgz`), else undefined. */
export function registryBase(resolved: string): string | undefined {
  const m = /^(https?:\/\/.+?)\/(?:@[^/]+\/|@[^/]+%2[fF])?[^/@]+\/-\/[^/]+\.tgz(?:[?#].*)?$/.exec(resolved);
  return m?.[1];
}

export function npmSource(resolved: string | undefined): NonNullable<LockedPackage['source']> {
  if (!resolved) return { kind: 'registry', url: '' };
  if (/^(?:git\+|git:|github:|gitlab:|bitbucket:)/.test(resolved)) return { kind: 'vcs', url: resolved };
  if (resolved.startsWith('file:') || resolved.startsWith('link:') || !/^[a-z+]+:/.test(resolved))
    return { kind: 'path', url: resolved };
  if (registryBase(resolved) !== undefined) return { kind: 'registry', url: resolved };
  return { kind: 'url', url: resolved };
}

/**
 * purl with the qualifier that says where it came from: vcs_url, download_url, or a non-default
 * registry's repository_url.
 */
export function npmPackagePurl(name: string, version: string | undefined, src: LockedPackage['source']): string {
  if (src?.kind === 'vcs') return npmPurl(name, version, { vcs_url: src.url });
  if (src?.kind === 'url') return npmPurl(name, version, { download_url: src.url });
  const base = src?.kind === 'registry' && src.url !== '' ? registryBase(src.url) : undefined;
  if (base !== undefined && !DEFAULT_REGISTRY.test(base)) return npmPurl(name, version, { repository_url: base });
  return npmPurl(name, version);
}

/** `license` as npm writes it: an SPDX string, or the legacy {type} object / list of them. */
export function licenseField(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [] : [value.trim()];
  if (Array.isArray(value)) return value.flatMap(licenseField);
  if (typeof value === 'object' && value !== null && 'type' in value) return licenseField(value.type);
  return [];
}
