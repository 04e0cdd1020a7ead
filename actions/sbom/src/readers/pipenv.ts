import { FileError, parseJsonText } from '@spikeformer-actions/core';
import {
  type Artifact,
  type Hash,
  type LockedPackage,
  type LockfileReport,
  newPackage,
  type Unresolved,
} from '../model.js';
import { normalizePythonName, prefixedHash, pypiPurl, simpleIndexUrl } from '../names.js';
import { LineIndex, type TextSource } from './source.js';
import { isTable, list, str, stringList, type Table, table } from './structured.js';

/**
 * Pipfile.lock (pipfile-spec 6): `default` (runtime) and `develop` (dev) sections, pinned
 * `==` versions, sha256 hashes, markers, extras, VCS/path/editable entries. It records no
 * dependency graph; direct dependencies come from the Pipfile beside it when present.
 */

export interface Pipfile {
  runtime: Set<string>;
  dev: Set<string>;
}

export function readPipfileManifest(doc: Table): Pipfile {
  const names = (t: unknown): Set<string> => new Set(Object.keys(table(t)).map(normalizePythonName));
  return { runtime: names(doc['packages']), dev: names(doc['dev-packages']) };
}

function sourceOf(entry: Table): LockedPackage['source'] {
  for (const vcs of ['git', 'hg', 'svn', 'bzr']) {
    const url = str(entry[vcs]);
    if (url) {
      const ref = str(entry['ref']);
      return { kind: entry['editable'] === true ? 'editable' : 'vcs', url: `${vcs}+${url}${ref ? `@${ref}` : ''}` };
    }
  }
  const local = str(entry['path']);
  if (local) return { kind: entry['editable'] === true ? 'editable' : 'path', url: local };
  const file = str(entry['file']);
  if (file) return { kind: /^[a-z]+:\/\//.test(file) ? 'url' : 'path', url: file };
  return { kind: 'registry', url: '' };
}

export function readPipfileLock(source: TextSource, manifest: Pipfile | undefined): LockfileReport {
  const doc = parseJsonText(source.text, source.shown);
  if (!isTable(doc)) throw new FileError(source.shown, 'is not a JSON object', { line: 1 });
  const lines = new LineIndex(source.text);
  const meta = table(doc['_meta']);
  const spec = meta['pipfile-spec'];
  if (spec !== 6) {
    throw new FileError(
      source.shown,
      `unsupported pipfile-spec ${JSON.stringify(spec ?? null)} (this action reads pipfile-spec 6)`,
      { line: lines.find('"pipfile-spec"') ?? 1 },
    );
  }
  const indexes = new Map<string, string>();
  for (const s of list(meta['sources'])) {
    const t = table(s);
    const name = str(t['name']);
    const url = str(t['url']);
    if (name && url) indexes.set(name, url);
  }
  const byKey = new Map<string, LockedPackage>();
  const unresolved: Unresolved[] = [];
  const conflicts: LockfileReport['conflicts'] = [];
  const sectionAt = (name: string): number => Math.max(0, source.text.indexOf(`"${name}": {`));
  for (const section of ['default', 'develop'] as const) {
    const start = sectionAt(section);
    for (const [name, value] of Object.entries(table(doc[section]))) {
      const entry = table(value);
      const line = lines.find(`"${name}": {`, start);
      const pinned = str(entry['version']);
      const version = pinned?.replace(/^===?/, '');
      const src = sourceOf(entry);
      const key = normalizePythonName(name);
      const existing = byKey.get(`${key}@${version ?? ''}`);
      if (existing) continue; // in both sections at the same version: runtime wins
      const other = [...byKey.values()].find((p) => normalizePythonName(p.name) === key);
      if (other) {
        // Both versions are locked (pipenv resolves the sections separately); both become components.
        conflicts.push({
          purl: other.purl,
          problem: `${name} is locked as ${other.version ?? '?'} in default and ${version ?? '?'} in develop`,
          files: [source.shown],
        });
      }
      const indexUrl =
        indexes.get(str(entry['index']) ?? '') ?? indexes.values().next().value ?? 'https://pypi.org/simple';
      const qualifiers: Record<string, string> | undefined =
        src?.kind === 'vcs' ? { vcs_url: src.url } : src?.kind === 'url' ? { download_url: src.url } : undefined;
      const purl = pypiPurl(name, version, qualifiers);
      const pkg = newPackage({ id: purl, ecosystem: 'pypi', name, version, purl, line, source: src });
      pkg.dev = section === 'develop';
      const hashes: Hash[] = [];
      for (const h of stringList(entry['hashes'])) {
        const hash = prefixedHash(h);
        if (!hash)
          throw new FileError(source.shown, `malformed hash '${h}' for ${name}`, line === undefined ? {} : { line });
        hashes.push(hash);
      }
      pkg.artifacts = hashes.map((h): Artifact => ({
        url: `${simpleIndexUrl(indexUrl, name)}#${h.alg.toLowerCase().replace('-', '')}=${h.content}`,
        comment: `hash pinned in ${source.shown}`,
        hashes: [h],
      }));
      if (hashes.length === 1 && hashes[0]) pkg.hashes = [hashes[0]];
      const markers = str(entry['markers']);
      if (markers) pkg.properties.push(['spikeformer:python:marker', markers]);
      const extras = stringList(entry['extras']);
      if (extras.length > 0) pkg.properties.push(['spikeformer:python:extras', extras.join(',')]);
      if (version === undefined && src?.kind === 'registry')
        unresolved.push({ name, reason: 'no version in the lock', ...(line === undefined ? {} : { line }) });
      if (pinned !== undefined && !/^===?/.test(pinned))
        unresolved.push({
          name,
          reason: `version '${pinned}' is not an exact pin`,
          ...(line === undefined ? {} : { line }),
        });
      byKey.set(`${key}@${version ?? ''}`, pkg);
    }
  }
  const packages = [...byKey.values()];
  let rootDeps: string[];
  if (manifest) {
    for (const pkg of byKey.values()) {
      const key = normalizePythonName(pkg.name);
      pkg.direct = pkg.dev ? manifest.dev.has(key) : manifest.runtime.has(key);
    }
    rootDeps = packages.filter((p) => p.direct).map((p) => p.id);
  } else {
    // Without the Pipfile nothing tells direct from transitive: the root lists every locked package.
    rootDeps = packages.map((p) => p.id);
  }
  return {
    file: source.shown,
    kind: 'pipenv',
    format: 'Pipfile.lock pipfile-spec 6',
    ecosystem: 'pypi',
    root: { name: '', version: undefined, dependsOn: rootDeps },
    packages,
    hasGraph: false,
    unresolved,
    conflicts,
  };
}
