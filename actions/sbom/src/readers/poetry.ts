import { FileError } from '@spikeformer-actions/core';
import { scopeByReachability } from '../graph.js';
import { type Artifact, type LockedPackage, type LockfileReport, newPackage } from '../model.js';
import { normalizePythonName, prefixedHash, pypiFileUrl, pypiPurl } from '../names.js';
import type { PythonManifest } from './pyproject.js';
import { LineIndex, type TextSource } from './source.js';
import { isTable, list, parseTomlText, requireString, str, stringList, type Table, table } from './structured.js';

/**
 * poetry.lock, lock-version 1.x (hashes under [metadata.files], `category`) and 2.x (per-package
 * `files`, `groups`).
 */

function fileHashes(files: unknown, project: string, shown: string, line: number | undefined): Artifact[] {
  const out: Artifact[] = [];
  for (const f of list(files)) {
    const entry = table(f);
    const name = str(entry['file']);
    const value = str(entry['hash']);
    if (!name || !value) continue;
    const hash = prefixedHash(value);
    if (!hash) throw new FileError(shown, `malformed hash '${value}' for ${name}`, line === undefined ? {} : { line });
    const url = str(entry['url']);
    out.push({ url: url ?? pypiFileUrl(project, name), comment: `file ${name}`, hashes: [hash] });
  }
  return out;
}

function sourceOf(source: Table): LockedPackage['source'] {
  const type = str(source['type']);
  const url = str(source['url']) ?? '';
  if (type === 'git') {
    const ref = str(source['resolved_reference']) ?? str(source['reference']);
    return { kind: 'vcs', url: `git+${url}${ref ? `@${ref}` : ''}` };
  }
  if (type === 'directory') return { kind: source['develop'] === true ? 'editable' : 'path', url };
  if (type === 'file') return { kind: 'path', url };
  if (type === 'url') return { kind: 'url', url };
  if (type === 'legacy') return { kind: 'registry', url };
  return { kind: 'registry', url: '' };
}

function qualifiers(src: LockedPackage['source']): Record<string, string> | undefined {
  if (!src || src.url === '') return undefined;
  if (src.kind === 'vcs') return { vcs_url: src.url };
  if (src.kind === 'url') return { download_url: src.url };
  if (src.kind === 'registry') return { repository_url: src.url };
  return undefined;
}

/** Dependency names of a package; a value may be a string, a table, or a list of tables (one per marker). */
function dependencyNames(deps: unknown): Array<{ name: string; optional: boolean }> {
  return Object.entries(table(deps)).map(([name, spec]) => {
    const specs = Array.isArray(spec) ? spec : [spec];
    return { name: normalizePythonName(name), optional: specs.every((s) => isTable(s) && s['optional'] === true) };
  });
}

export function readPoetryLock(source: TextSource, manifest: PythonManifest | undefined): LockfileReport {
  const doc = parseTomlText(source.text, source.shown);
  const lines = new LineIndex(source.text);
  const metadata = table(doc['metadata']);
  const lockVersion = str(metadata['lock-version']) ?? '1.0';
  const major = Number(lockVersion.split('.')[0]);
  if (major !== 1 && major !== 2) {
    throw new FileError(
      source.shown,
      `unsupported poetry lock-version '${lockVersion}' (this action reads 1.x and 2.x)`,
      { line: lines.find('lock-version') ?? 1 },
    );
  }
  const legacyFiles = table(metadata['files']);
  const packages: LockedPackage[] = [];
  const byName = new Map<string, LockedPackage[]>();
  const rawDeps = new Map<LockedPackage, Array<{ name: string; optional: boolean }>>();
  let cursor = 0;
  let anyGroupInfo = false;
  for (const raw of list(doc['package'])) {
    const entry = table(raw);
    const at = source.text.indexOf('[[package]]', cursor);
    const line = at < 0 ? undefined : lines.lineAt(at);
    if (at >= 0) cursor = at + 1;
    const name = requireString(entry, 'name', source.shown, line, 'a [[package]] entry');
    const version = requireString(entry, 'version', source.shown, line, `package '${name}'`);
    const src = entry['source'] === undefined ? undefined : sourceOf(table(entry['source']));
    const purl = pypiPurl(name, version, qualifiers(src));
    const pkg = newPackage({
      id: purl,
      ecosystem: 'pypi',
      name,
      version,
      purl,
      line,
      source: src ?? { kind: 'registry', url: '' },
    });
    const files = entry['files'] ?? legacyFiles[name] ?? legacyFiles[normalizePythonName(name)];
    pkg.artifacts = fileHashes(files, name, source.shown, line);
    if (pkg.artifacts.length === 1 && pkg.artifacts[0]) pkg.hashes = [...pkg.artifacts[0].hashes];
    pkg.optional = entry['optional'] === true;
    const groups = stringList(entry['groups']);
    const category = str(entry['category']);
    if (groups.length > 0) {
      anyGroupInfo = true;
      pkg.dev = !groups.includes('main');
      pkg.properties.push(['spikeformer:poetry:groups', groups.join(',')]);
    } else if (category !== undefined) {
      anyGroupInfo = true;
      pkg.dev = category === 'dev';
    }
    const markers = entry['markers'];
    if (typeof markers === 'string') pkg.properties.push(['spikeformer:python:marker', markers]);
    pkg.description = str(entry['description']);
    rawDeps.set(pkg, dependencyNames(entry['dependencies']));
    packages.push(pkg);
    const key = normalizePythonName(name);
    byName.set(key, [...(byName.get(key) ?? []), pkg]);
  }
  // Resolve by name; poetry may lock several versions of one name (for different markers): link to each.
  for (const [pkg, deps] of rawDeps) {
    for (const dep of deps) {
      for (const target of byName.get(dep.name) ?? [])
        if (!pkg.dependsOn.includes(target.id)) pkg.dependsOn.push(target.id);
    }
  }
  const ids = (names: Iterable<string>): string[] => [...names].flatMap((n) => (byName.get(n) ?? []).map((p) => p.id));
  const rootDeps: string[] = [];
  if (manifest) {
    const runtime = ids(manifest.runtime);
    const optional = ids(manifest.optional);
    const dev = ids(manifest.dev);
    for (const id of [...runtime, ...optional, ...dev]) if (!rootDeps.includes(id)) rootDeps.push(id);
    const direct = new Set(rootDeps);
    for (const pkg of packages) pkg.direct = direct.has(pkg.id);
    // Locks before groups existed say nothing about dev; the manifest and the graph do.
    if (!anyGroupInfo) scopeByReachability(packages, { runtime, optional, dev });
  } else {
    // Without pyproject.toml the roots are the packages nothing else depends on.
    const depended = new Set(packages.flatMap((p) => p.dependsOn));
    for (const pkg of packages) if (!depended.has(pkg.id)) rootDeps.push(pkg.id);
  }
  return {
    file: source.shown,
    kind: 'poetry',
    format: `poetry.lock ${lockVersion}`,
    ecosystem: 'pypi',
    root: { name: manifest?.name ?? '', version: manifest?.version, dependsOn: rootDeps },
    packages,
    hasGraph: true,
    unresolved: [],
    conflicts: [],
  };
}
