import { FileError, parseYamlDocuments } from '@spikeformer-actions/core';
import { scopeByReachability } from '../graph.js';
import { type LockedPackage, type LockfileReport, newPackage, type Unresolved } from '../model.js';
import { integrityHashes } from '../names.js';
import { npmPackagePurl, npmSource } from './npm-common.js';
import { LineIndex, type TextSource } from './source.js';
import { isTable, str, type Table, table } from './structured.js';

/**
 * pnpm-lock.yaml v6 (`/name@version(peers)` package keys with dev flags) and v9 (`packages`
 * for metadata, `snapshots` for peer-resolved instances and their dependencies; no dev flag,
 * so dev scope comes from what the importers' devDependencies alone reach). One component per
 * name@version; peer-suffixed instances merge into it. Workspace importers become components
 * that the root depends on.
 */

/** Importer path ("." is the root) → its package.json name/version, when that folder exists. */
export type ImporterLookup = (
  importerPath: string,
  line: number | undefined,
) => { name: string; version: string | undefined } | undefined;

/** name and version of "name@version(peer@1)(…)" or v6's "/name@version(…)". */
export function splitPnpmKey(key: string): { name: string; version: string } | undefined {
  const bare = key.replace(/^\//, '').replace(/\(.*$/, '');
  const at = bare.indexOf('@', bare.startsWith('@') ? bare.indexOf('/') : 0);
  if (at <= 0) return undefined;
  return { name: bare.slice(0, at), version: bare.slice(at + 1) };
}

const SUPPORTED = new Set(['6.0', '6.1', '9.0']);

/**
 * pnpm 11 and later write two YAML documents: first the lock of pnpm itself
 * (`packageManagerDependencies`, `configDependencies`: the tool that installs, not the product),
 * then the project's lock. A file of one document is the project's lock.
 */
function isPackageManagerDocument(doc: Table): boolean {
  const toolFields = new Set(['packageManagerDependencies', 'configDependencies']);
  const importers = Object.values(table(doc['importers'])).map((imp) => Object.keys(table(imp)));
  return importers.some((keys) => keys.length > 0) && importers.every((keys) => keys.every((k) => toolFields.has(k)));
}

/** Offsets at which each non-empty YAML document of text starts (after its `---` line). */
function documentStarts(text: string): number[] {
  const starts: number[] = [];
  const marker = /^---[ \t]*(?:#.*)?$/gm;
  let from = 0;
  const push = (start: number, end: number): void => {
    // Only documents with content: parseYamlDocuments leaves out empty ones.
    if (/^(?!\s*(?:#|$)).+/m.test(text.slice(start, end))) starts.push(start);
  };
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    push(from, m.index);
    from = m.index + m[0].length;
  }
  push(from, text.length);
  return starts;
}

/** The project's lock document and the offset where its text starts (line numbers are looked up from there). */
function projectDocument(source: TextSource): { doc: Table; start: number; skipped: boolean } {
  const docs = parseYamlDocuments(source.text, source.shown);
  const starts = documentStarts(source.text);
  const candidates = docs.map((doc, i) => ({ doc, start: starts.length === docs.length ? (starts[i] ?? 0) : 0 }));
  const tables = candidates.filter((c): c is { doc: Table; start: number } => isTable(c.doc));
  if (tables.length === 0 || tables.length !== docs.length)
    throw new FileError(source.shown, 'is not a YAML mapping', { line: 1 });
  const project = tables.filter((c) => !isPackageManagerDocument(c.doc));
  if (project.length !== 1) {
    throw new FileError(
      source.shown,
      `holds ${docs.length} YAML documents, ${project.length} of them project locks (pnpm writes one, after the lock of pnpm itself)`,
      { line: 1 },
    );
  }
  const only = project[0] ?? { doc: {}, start: 0 };
  return { ...only, skipped: tables.length > 1 };
}

export function readPnpmLock(source: TextSource, importerInfo: ImporterLookup): LockfileReport {
  const { doc, start, skipped } = projectDocument(source);
  const lines = new LineIndex(source.text);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a mapping is refused below as [object Object]
  const lockVersion = String(doc['lockfileVersion'] ?? '');
  if (!SUPPORTED.has(lockVersion)) {
    throw new FileError(
      source.shown,
      `unsupported pnpm lockfileVersion '${lockVersion}' (this action reads 6.0, 6.1 and 9.0)`,
      { line: lines.find('lockfileVersion', start) ?? 1 },
    );
  }
  const v9 = lockVersion === '9.0';
  const packagesTable = table(doc['packages']);
  const snapshots = v9 ? table(doc['snapshots']) : packagesTable;
  const unresolved: Unresolved[] = [];
  const byId = new Map<string, LockedPackage>();
  const idOfKey = new Map<string, string>();
  let cursor = Math.max(start, source.text.indexOf('\npackages:', start));
  for (const [key, value] of Object.entries(packagesTable)) {
    const entry = table(value);
    const at = source.text.indexOf(key, cursor);
    const line = at < 0 ? undefined : lines.lineAt(at);
    if (at >= 0) cursor = at + key.length;
    // Non-registry packages (git, tarballs) have URL-like keys and carry name and version fields.
    const split = splitPnpmKey(key);
    const name = str(entry['name']) ?? split?.name;
    let version = str(entry['version']) ?? split?.version;
    if (name === undefined || version === undefined)
      throw new FileError(
        source.shown,
        `cannot read package key '${key}' (no name@version and no name/version fields)`,
        line === undefined ? {} : { line },
      );
    const resolution = table(entry['resolution']);
    let src: LockedPackage['source'] = { kind: 'registry', url: '' };
    if (str(resolution['type']) === 'git' || str(resolution['repo'])) {
      src = {
        kind: 'vcs',
        url: `git+${str(resolution['repo']) ?? ''}${str(resolution['commit']) ? `#${str(resolution['commit']) ?? ''}` : ''}`,
      };
    } else if (str(resolution['tarball'])) {
      src = npmSource(str(resolution['tarball']));
    } else if (str(resolution['directory'])) {
      src = { kind: 'path', url: str(resolution['directory']) ?? '' };
    }
    if (src.kind !== 'registry' && /^[a-z+]+:/.test(version)) version = '';
    const purl = npmPackagePurl(name, version === '' ? undefined : version, src);
    const hashes =
      str(resolution['integrity']) === undefined ? [] : integrityHashes(str(resolution['integrity']) ?? '');
    if (hashes === undefined)
      throw new FileError(source.shown, `malformed integrity for ${key}`, line === undefined ? {} : { line });
    const bareKey = key.replace(/^\//, '').replace(/\(.*$/, '');
    idOfKey.set(bareKey, purl);
    const existing = byId.get(purl);
    if (existing) {
      // v6 keeps one entry per peer variant; they are one component.
      existing.dev &&= entry['dev'] === true;
      existing.optional &&= entry['optional'] === true;
      continue;
    }
    const pkg = newPackage({
      id: purl,
      ecosystem: 'npm',
      name,
      version: version === '' ? undefined : version,
      purl,
      line,
      source: src,
      hashes,
    });
    if (!v9) {
      pkg.dev = entry['dev'] === true;
      pkg.optional = entry['optional'] === true;
    }
    byId.set(purl, pkg);
  }
  // Workspace importers: components of their own, without a purl unless their package.json names them.
  const importers: Table = isTable(doc['importers'])
    ? doc['importers']
    : {
        '.': {
          dependencies: doc['dependencies'],
          devDependencies: doc['devDependencies'],
          optionalDependencies: doc['optionalDependencies'],
        },
      };
  const importerId = (path: string): string => `pnpm-importer:${path}`;
  const importerPkgs = new Map<string, LockedPackage>();
  for (const path of Object.keys(importers)) {
    if (path === '.') continue;
    // find() gives the line of the newline before the key.
    const plain = lines.find(`\n  ${path}:`, start);
    const line = plain === undefined ? lines.find(`'${path}':`, start) : plain + 1;
    const info = importerInfo(path, line);
    const purl = info ? npmPackagePurl(info.name, info.version, { kind: 'workspace', url: path }) : '';
    const pkg = newPackage({
      id: importerId(path),
      ecosystem: 'npm',
      name: info?.name ?? path,
      version: info?.version,
      purl,
      source: { kind: 'workspace', url: path },
    });
    pkg.line = line;
    importerPkgs.set(path, pkg);
  }
  /** The component a dependency value points at: "1.2.3(peer)", "link:../x", or an alias "real@1.2.3". */
  const resolveDep = (fromImporter: string | undefined, depName: string, value: string): string | undefined => {
    if (value.startsWith('link:')) {
      // Snapshots' links (a peer satisfied by a workspace package) are relative to the lock's folder.
      const target = joinPosix(fromImporter ?? '.', value.slice(5));
      return importerPkgs.has(target) ? importerId(target) : undefined;
    }
    const bare = value.replace(/^\//, '').replace(/\(.*$/, '');
    return idOfKey.get(`${depName}@${bare}`) ?? idOfKey.get(bare);
  };
  const runtime: string[] = [];
  const optional: string[] = [];
  const dev: string[] = [];
  const rootDeps: string[] = [];
  for (const [path, value] of Object.entries(importers)) {
    const importer = table(value);
    const from = path === '.' ? undefined : importerPkgs.get(path);
    for (const [field, bucket] of [
      ['dependencies', runtime],
      ['optionalDependencies', optional],
      ['devDependencies', dev],
    ] as const) {
      for (const [depName, spec] of Object.entries(table(importer[field]))) {
        const version = isTable(spec) ? str(spec['version']) : str(spec);
        if (version === undefined) continue;
        const id = resolveDep(path, depName, version);
        if (id === undefined) {
          if (!version.startsWith('link:'))
            unresolved.push({ name: depName, reason: `importer '${path}' needs ${version}, which is not in packages` });
          continue;
        }
        // Every importer is part of the product: its runtime needs are runtime roots.
        if (!id.startsWith('pnpm-importer:')) bucket.push(id);
        if (from) {
          if (!from.dependsOn.includes(id)) from.dependsOn.push(id);
        } else if (!rootDeps.includes(id)) rootDeps.push(id);
      }
    }
  }
  for (const pkg of importerPkgs.values()) if (!rootDeps.includes(pkg.id)) rootDeps.push(pkg.id);
  for (const [key, value] of Object.entries(snapshots)) {
    const bareKey = key.replace(/^\//, '').replace(/\(.*$/, '');
    const fromId = idOfKey.get(bareKey);
    const from = fromId === undefined ? undefined : byId.get(fromId);
    if (!from) {
      unresolved.push({ name: bareKey, reason: 'snapshot without a packages entry' });
      continue;
    }
    const entry = table(value);
    if (v9 && entry['optional'] === true) from.optional = true;
    for (const field of ['dependencies', 'optionalDependencies'] as const) {
      for (const [depName, spec] of Object.entries(table(entry[field]))) {
        const version = str(spec) ?? (typeof spec === 'number' ? String(spec) : undefined);
        if (version === undefined) continue;
        const id = resolveDep(undefined, depName, version);
        if (id === undefined) {
          unresolved.push({ name: depName, reason: `${bareKey} needs ${version}, which is not in packages` });
          continue;
        }
        if (id !== from.id && !from.dependsOn.includes(id)) from.dependsOn.push(id);
      }
    }
  }
  const packages = [...byId.values(), ...importerPkgs.values()];
  const direct = new Set([...runtime, ...optional, ...dev].filter((id) => !id.startsWith('pnpm-importer:')));
  for (const pkg of packages) pkg.direct = direct.has(pkg.id);
  if (v9) {
    // v9 dropped `dev: true`: dev is what only devDependencies reach; optional from snapshots stays.
    const snapshotOptional = new Set(packages.filter((p) => p.optional).map((p) => p.id));
    scopeByReachability([...byId.values()], { runtime, optional, dev });
    for (const pkg of packages) if (snapshotOptional.has(pkg.id)) pkg.optional = true;
  }
  const rootInfo = importerInfo('.', undefined);
  return {
    file: source.shown,
    kind: 'pnpm',
    format: `pnpm-lock lockfileVersion ${lockVersion}${skipped ? ' (the document locking pnpm itself is left out)' : ''}`,
    ecosystem: 'npm',
    root: { name: rootInfo?.name ?? '', version: rootInfo?.version, dependsOn: rootDeps },
    packages,
    hasGraph: true,
    unresolved,
    conflicts: [],
  };
}

function joinPosix(base: string, relative: string): string {
  const parts = base === '.' ? [] : base.split('/');
  for (const seg of relative.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.length === 0 ? '.' : parts.join('/');
}
