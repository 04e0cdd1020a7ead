import { PackageURL } from 'packageurl-js';
import type { Hash, HashAlg } from './model.js';

/** PEP 503 normalised Python project name: the key pip, poetry and uv match names by. */
export function normalizePythonName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[-_.]+/g, '-');
}

export function pypiPurl(name: string, version: string | undefined, qualifiers?: Record<string, string>): string {
  return new PackageURL('pypi', undefined, normalizePythonName(name), version, qualifiers, undefined).toString();
}

/** npm name split into the purl's namespace (the @scope) and name. */
export function npmPurl(name: string, version: string | undefined, qualifiers?: Record<string, string>): string {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  const namespace = slash > 0 ? name.slice(0, slash) : undefined;
  const bare = slash > 0 ? name.slice(slash + 1) : name;
  return new PackageURL('npm', namespace, bare, version, qualifiers, undefined).toString();
}

const SRI_ALGS: Record<string, HashAlg> = {
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
  md5: 'MD5',
};

/**
 * Subresource-integrity strings ("sha512-<base64> sha1-<base64>") as hex hashes. Unknown
 * algorithms are skipped; an undecodable value gives undefined so the caller can report it.
 */
export function integrityHashes(integrity: string): Hash[] | undefined {
  const out: Hash[] = [];
  for (const part of integrity.trim().split(/\s+/)) {
    if (part === '') continue;
    const dash = part.indexOf('-');
    if (dash <= 0) return undefined;
    const alg = SRI_ALGS[part.slice(0, dash).toLowerCase()];
    if (!alg) continue;
    const b64 = part.slice(dash + 1).replace(/\?.*$/, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
    const hex = Buffer.from(b64, 'base64').toString('hex');
    if (!out.some((h) => h.alg === alg && h.content === hex)) out.push({ alg, content: hex });
  }
  return out;
}

const HEX_LENGTH: Record<HashAlg, number> = { MD5: 32, 'SHA-1': 40, 'SHA-256': 64, 'SHA-384': 96, 'SHA-512': 128 };

/** "sha256:<hex>" (pip, poetry, uv, Pipfile) as a Hash; undefined when malformed or of an unknown algorithm. */
export function prefixedHash(value: string): Hash | undefined {
  const m = /^(md5|sha1|sha256|sha384|sha512)[:=]([0-9a-fA-F]+)$/.exec(value.trim());
  if (!m?.[1] || !m[2]) return undefined;
  const alg = SRI_ALGS[m[1]];
  if (!alg || m[2].length !== HEX_LENGTH[alg]) return undefined;
  return { alg, content: m[2].toLowerCase() };
}

export function sameHash(a: Hash, b: Hash): boolean {
  return a.alg === b.alg && a.content === b.content;
}

export function addHashes(into: Hash[], more: readonly Hash[]): void {
  for (const h of more) if (!into.some((x) => sameHash(x, h))) into.push(h);
}

/** The page of a project on a PEP 503 simple index, used to locate a file known only by its hash. */
export function simpleIndexUrl(indexUrl: string, name: string): string {
  return `${indexUrl.replace(/\/+$/, '')}/${normalizePythonName(name)}/`;
}

/**
 * PyPI's stable per-file URL (files.pythonhosted.org/packages/<python tag>/<initial>/<project>/<file>)
 * for a distribution file known only by name, as poetry.lock records them.
 */
export function pypiFileUrl(project: string, file: string): string {
  let tag = 'source';
  const wheel = /^[^-]+-[^-]+(?:-\d[^-]*)?-([^-]+)-[^-]+-[^-]+\.whl$/.exec(file);
  if (wheel?.[1]) tag = wheel[1];
  const initial = project.charAt(0);
  return `https://files.pythonhosted.org/packages/${encodeURIComponent(tag)}/${encodeURIComponent(initial)}/${encodeURIComponent(project)}/${encodeURIComponent(file)}`;
}
