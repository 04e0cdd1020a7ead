import { FileError, parseYamlText } from '@spikeformer-actions/core';
import { scopeByReachability } from '../graph.js';
import { type LockedPackage, type LockfileReport, newPackage, type Unresolved } from '../model.js';
import { integrityHashes } from '../names.js';
import { npmPackagePurl, npmSource } from './npm-common.js';
import { LineIndex, type TextSource } from './source.js';
import { isTable, shownValue, str, type Table, table } from './structured.js';
import { parseClassicLock } from './yarn-classic.js';

/**
 * yarn.lock, classic (v1) and berry (YAML with __metadata). Descriptors (`name@range`)
 * map to one resolved entry; dependencies resolve through the same descriptors. Dev scope
 * comes from the package.json beside the lock (what only devDependencies reach).
 */

interface Resolved {
  pkg: LockedPackage;
  deps: Array<[string, string]>;
}

function descriptorName(descriptor: string): string {
  const at = descriptor.indexOf('@', descriptor.startsWith('@') ? 1 : 0);
  return at < 0 ? descriptor : descriptor.slice(0, at);
}

/**
 * The package a descriptor installs: an alias (`react-is-18@npm:react-is@^18.3.1`, the name
 * under node_modules) installs the package after `npm:`; any other descriptor its own name.
 */
export function installedName(descriptor: string): string {
  const name = descriptorName(descriptor);
  const range = descriptor.slice(name.length + 1);
  // `npm:^4.2.0` (berry's plain range) names no other package: an alias has `@` after the name.
  const alias = /^npm:((?:@[^/@]+\/)?[^@]+)@/.exec(range);
  return alias?.[1] ?? name;
}

function manifestRoots(
  manifest: Table | undefined,
  lookup: (name: string, range: string) => string | undefined,
  fallback: Array<[string, string]>,
): { runtime: string[]; optional: string[]; dev: string[]; unresolved: Unresolved[] } {
  const out = {
    runtime: [] as string[],
    optional: [] as string[],
    dev: [] as string[],
    unresolved: [] as Unresolved[],
  };
  const fields: Array<[string, string[]]> = [
    ['dependencies', out.runtime],
    ['optionalDependencies', out.optional],
    ['devDependencies', out.dev],
  ];
  const pairs: Array<[string, Array<[string, string]>]> = manifest
    ? fields.map(([f]) => [
        f,
        Object.entries(table(manifest[f])).filter((e): e is [string, string] => typeof e[1] === 'string'),
      ])
    : [['dependencies', fallback]];
  for (const [field, deps] of pairs) {
    const bucket = fields.find(([f]) => f === field)?.[1] ?? out.runtime;
    for (const [name, range] of deps) {
      const id = lookup(name, range);
      if (id === undefined) {
        if (!range.startsWith('workspace:') && !range.startsWith('link:') && !range.startsWith('file:'))
          out.unresolved.push({ name, reason: `package.json ${field} needs ${range}, which is not in the lock` });
        continue;
      }
      if (!bucket.includes(id)) bucket.push(id);
    }
  }
  return out;
}

function finish(
  source: TextSource,
  kind: 'yarn-classic' | 'yarn-berry',
  format: string,
  resolved: Resolved[],
  lookup: (name: string, range: string) => string | undefined,
  manifest: Table | undefined,
  rootFallback: Array<[string, string]>,
  unresolved: Unresolved[],
): LockfileReport {
  const byId = new Map<string, LockedPackage>();
  for (const r of resolved) {
    const existing = byId.get(r.pkg.id);
    if (!existing) byId.set(r.pkg.id, r.pkg);
  }
  for (const r of resolved) {
    const from = byId.get(r.pkg.id);
    if (!from) continue;
    for (const [name, range] of r.deps) {
      const id = lookup(name, range);
      if (id === undefined) {
        unresolved.push({
          name,
          reason: `${r.pkg.name}@${r.pkg.version ?? '?'} needs ${range}, which is not in the lock`,
          ...(r.pkg.line === undefined ? {} : { line: r.pkg.line }),
        });
        continue;
      }
      if (id !== from.id && !from.dependsOn.includes(id)) from.dependsOn.push(id);
    }
  }
  const roots = manifestRoots(manifest, lookup, rootFallback);
  unresolved.push(...roots.unresolved);
  const packages = [...byId.values()];
  const direct = new Set([...roots.runtime, ...roots.optional, ...roots.dev]);
  for (const pkg of packages) pkg.direct = direct.has(pkg.id);
  scopeByReachability(packages, roots);
  return {
    file: source.shown,
    kind,
    format,
    ecosystem: 'npm',
    root: { name: str(manifest?.['name']) ?? '', version: str(manifest?.['version']), dependsOn: [...direct] },
    packages,
    hasGraph: true,
    unresolved,
    conflicts: [],
  };
}

export function readYarnClassic(source: TextSource, manifest: Table | undefined): LockfileReport {
  const entries = parseClassicLock(source.text, source.shown);
  const idOf = new Map<string, string>();
  const resolved: Resolved[] = [];
  for (const entry of entries) {
    // Every descriptor of an entry resolves to one package; an alias names it after `npm:`.
    const name = installedName(entry.descriptors[0] ?? '');
    const version = entry.fields.get('version');
    if (version === undefined)
      throw new FileError(source.shown, `entry ${entry.descriptors.join(', ')} has no version`, { line: entry.line });
    const resolvedUrl = entry.fields.get('resolved');
    const src = npmSource(resolvedUrl?.replace(/#[0-9a-f]{40}$/, ''));
    const purl = npmPackagePurl(name, version, src);
    const integrity = entry.fields.get('integrity');
    let hashes = integrity === undefined ? [] : integrityHashes(integrity);
    if (hashes === undefined)
      throw new FileError(source.shown, `malformed integrity '${integrity ?? ''}'`, { line: entry.line });
    // Old lockfiles carry only the sha1 in the resolved URL's fragment.
    const sha1 = resolvedUrl === undefined ? null : /#([0-9a-f]{40})$/.exec(resolvedUrl);
    if (hashes.length === 0 && sha1?.[1]) hashes = [{ alg: 'SHA-1', content: sha1[1] }];
    const pkg = newPackage({ id: purl, ecosystem: 'npm', name, version, purl, line: entry.line, source: src, hashes });
    for (const d of entry.descriptors) idOf.set(d, purl);
    const optional = entry.maps.get('optionalDependencies') ?? new Map<string, string>();
    resolved.push({ pkg, deps: [...(entry.maps.get('dependencies') ?? new Map<string, string>()), ...optional] });
  }
  const lookup = (name: string, range: string): string | undefined => idOf.get(`${name}@${range}`);
  return finish(source, 'yarn-classic', 'yarn.lock v1 (classic)', resolved, lookup, manifest, [], []);
}

export function readYarnBerry(source: TextSource, manifest: Table | undefined): LockfileReport {
  const doc = parseYamlText(source.text, source.shown);
  if (!isTable(doc)) throw new FileError(source.shown, 'is not a YAML mapping', { line: 1 });
  const lines = new LineIndex(source.text);
  const meta = table(doc['__metadata']);
  const version = Number(meta['version']);
  if (!Number.isInteger(version) || version < 4 || version > 8) {
    throw new FileError(
      source.shown,
      `unsupported yarn lockfile __metadata.version ${shownValue(meta['version'])} (this action reads 4–8)`,
      { line: lines.find('__metadata') ?? 1 },
    );
  }
  const idOf = new Map<string, string>();
  const resolved: Resolved[] = [];
  const unresolved: Unresolved[] = [];
  let rootDeps: Array<[string, string]> = [];
  let cursor = 0;
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata') continue;
    const entry = table(value);
    const at = source.text.indexOf(key, cursor);
    const line = at < 0 ? undefined : lines.lineAt(at);
    if (at >= 0) cursor = at + key.length;
    const resolution = str(entry['resolution']) ?? '';
    const name = descriptorName(resolution || key);
    const pkgVersion =
      str(entry['version']) ?? (typeof entry['version'] === 'number' ? String(entry['version']) : undefined);
    const reference = resolution.slice(name.length + 1);
    const deps = Object.entries(table(entry['dependencies'])).map(([n, r]): [string, string] => [n, String(r)]);
    const descriptors = key.split(/,\s*/);
    if (reference.startsWith('workspace:')) {
      if (reference === 'workspace:.') {
        rootDeps = deps;
        continue;
      }
    }
    const src: LockedPackage['source'] = reference.startsWith('workspace:')
      ? { kind: 'workspace', url: reference.slice('workspace:'.length) }
      : reference.startsWith('npm:') || reference.startsWith('patch:')
        ? { kind: 'registry', url: '' }
        : npmSource(reference);
    const purl = npmPackagePurl(name, pkgVersion === '0.0.0-use.local' ? undefined : pkgVersion, src);
    const pkg = newPackage({ id: purl, ecosystem: 'npm', name, version: pkgVersion, purl, line, source: src });
    const checksum = str(entry['checksum']);
    // Berry's checksum hashes yarn's own cache zip, not the npm tarball: kept as a property, not a component hash.
    if (checksum) pkg.properties.push(['spikeformer:yarn:checksum', checksum]);
    if (reference.startsWith('patch:')) pkg.properties.push(['spikeformer:yarn:patched', 'true']);
    for (const d of descriptors) {
      idOf.set(d, purl);
      // A patched package also answers to the descriptor it patches ("resolve@patch:resolve@npm%3A^1#…").
      const patched = /^(?:@[^/]+\/)?[^@]+@patch:(.+?)(?:#.*)?$/.exec(d)?.[1];
      if (patched !== undefined) {
        const inner = decodeURIComponent(patched);
        if (!idOf.has(inner)) idOf.set(inner, purl);
      }
    }
    resolved.push({ pkg, deps });
  }
  if (resolved.length === 0 && rootDeps.length === 0)
    unresolved.push({ name: source.shown, reason: 'the lock has no entries' });
  const lookup = (name: string, range: string): string | undefined =>
    idOf.get(`${name}@${range}`) ?? idOf.get(`${name}@npm:${range}`);
  return finish(
    source,
    'yarn-berry',
    `yarn.lock berry (__metadata.version ${version})`,
    resolved,
    lookup,
    manifest,
    rootDeps,
    unresolved,
  );
}
