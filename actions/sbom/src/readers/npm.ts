import { FileError, parseJsonText } from '@spikeformer-actions/core';
import type { LockedPackage, LockfileReport, Unresolved } from '../model.js';
import { newPackage } from '../model.js';
import { addHashes, integrityHashes, sameHash } from '../names.js';
import { licenseField, npmPackagePurl, npmSource } from './npm-common.js';
import { LineIndex, type TextSource } from './source.js';
import { isTable, shownValue, str, type Table, table } from './structured.js';

/**
 * package-lock.json / npm-shrinkwrap.json, lockfileVersion 1–3. v2/v3 are read from the
 * flat `packages` map (install path → entry); v1's nested `dependencies` tree is turned
 * into the same map. Dependencies resolve like Node does: the nearest node_modules upwards.
 * Components are deduplicated by purl; the same name@version installed at several paths is one.
 */

interface PathEntry {
  path: string;
  entry: Table;
  line: number | undefined;
}

const DEP_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'] as const;

function nameFromPath(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  return at < 0 ? path.replace(/^.*\//, '') : path.slice(at + 'node_modules/'.length);
}

/** v1 tree → v2 path map (requires → dependencies). */
function flattenV1(deps: Table, prefix: string, out: Map<string, Table>): void {
  for (const [name, value] of Object.entries(deps)) {
    const entry = table(value);
    const path = `${prefix}node_modules/${name}`;
    let version = str(entry['version']);
    let realName: string | undefined;
    // v1 writes aliases as "npm:real@1.2.3" and git/file deps as their spec in version.
    const alias = version === undefined ? null : /^npm:((?:@[^/]+\/)?[^@]+)@(.+)$/.exec(version);
    if (alias?.[1] && alias[2]) {
      realName = alias[1];
      version = alias[2];
    }
    let resolved = str(entry['resolved']);
    if (version !== undefined && /^(?:git\+|github:|file:|https?:)/.test(version)) {
      resolved ??= version;
      version = /#semver:(.+)$/.exec(version)?.[1];
    }
    out.set(path, {
      ...(realName === undefined ? {} : { name: realName }),
      ...(version === undefined ? {} : { version }),
      ...(resolved === undefined ? {} : { resolved }),
      integrity: entry['integrity'],
      dev: entry['dev'],
      optional: entry['optional'],
      dependencies: entry['requires'],
    });
    if (isTable(entry['dependencies'])) flattenV1(entry['dependencies'], `${path}/`, out);
  }
}

export function readNpmLock(source: TextSource, manifest: Table | undefined): LockfileReport {
  const doc = parseJsonText(source.text, source.shown);
  if (!isTable(doc)) throw new FileError(source.shown, 'is not a JSON object', { line: 1 });
  const lines = new LineIndex(source.text);
  const lockVersion = doc['lockfileVersion'];
  if (lockVersion !== 1 && lockVersion !== 2 && lockVersion !== 3) {
    throw new FileError(
      source.shown,
      `unsupported lockfileVersion ${shownValue(lockVersion)} (this action reads 1, 2 and 3)`,
      {
        line: lines.find('"lockfileVersion"') ?? 1,
      },
    );
  }
  const map = new Map<string, Table>();
  if (lockVersion === 1) {
    flattenV1(table(doc['dependencies']), '', map);
    map.set('', { name: str(doc['name']), version: str(doc['version']), ...(manifest ? pickDeps(manifest) : {}) });
  } else {
    if (!isTable(doc['packages']))
      throw new FileError(source.shown, `lockfileVersion ${lockVersion} has no "packages" map`, {
        line: lines.find('"lockfileVersion"') ?? 1,
      });
    for (const [path, entry] of Object.entries(doc['packages'])) map.set(path, table(entry));
  }
  const entries: PathEntry[] = [];
  let cursor = 0;
  for (const [path, entry] of map) {
    let line: number | undefined;
    const needle = lockVersion === 1 ? `"${nameFromPath(path)}": {` : `"${path}": {`;
    const at = source.text.indexOf(needle, cursor);
    if (at >= 0) {
      line = lines.lineAt(at);
      cursor = at + needle.length;
    }
    entries.push({ path, entry, line });
  }

  const unresolved: Unresolved[] = [];
  const conflicts: LockfileReport['conflicts'] = [];
  const byId = new Map<string, LockedPackage>();
  const idOfPath = new Map<string, string>();
  const rootEntry = map.get('') ?? {};
  // Workspace folders (paths outside node_modules) are the project's own packages.
  const isWorkspace = (path: string): boolean => path !== '' && !path.includes('node_modules/');
  for (const { path, entry, line } of entries) {
    if (path === '' || entry['link'] === true) continue;
    const name = str(entry['name']) ?? nameFromPath(path);
    const version = str(entry['version']);
    const src = isWorkspace(path) ? { kind: 'workspace' as const, url: path } : npmSource(str(entry['resolved']));
    const purl = npmPackagePurl(name, version, src);
    const hashes = str(entry['integrity']) === undefined ? [] : integrityHashes(str(entry['integrity']) ?? '');
    if (hashes === undefined)
      throw new FileError(
        source.shown,
        `malformed integrity '${str(entry['integrity']) ?? ''}' for ${path}`,
        line === undefined ? {} : { line },
      );
    // devOptional: needed by dev or by optional dependencies — installed in production when optional ones are.
    const dev = entry['dev'] === true;
    const optional = entry['optional'] === true || entry['devOptional'] === true;
    idOfPath.set(path, purl);
    const existing = byId.get(purl);
    if (existing) {
      // Same name@version at another install path: one component; it is dev only if every copy is.
      existing.dev &&= dev;
      existing.optional &&= optional;
      if (hashes.some((h) => existing.hashes.some((x) => x.alg === h.alg && !sameHash(x, h)))) {
        conflicts.push({
          purl,
          problem: `${name}@${version ?? '?'} has different integrity at ${path} than at an earlier path`,
          files: [source.shown],
        });
      }
      addHashes(existing.hashes, hashes);
      continue;
    }
    const pkg = newPackage({
      id: purl,
      ecosystem: 'npm',
      name,
      version,
      purl,
      line,
      source: src,
      hashes,
      dev,
      optional,
    });
    pkg.licenses = licenseField(entry['license']);
    if (version === undefined)
      unresolved.push({ name, reason: `no version at ${path}`, ...(line === undefined ? {} : { line }) });
    byId.set(purl, pkg);
  }
  // Links (workspace symlinks) point at another path's entry.
  const target = (path: string): string | undefined => {
    const entry = map.get(path);
    if (!entry) return undefined;
    if (entry['link'] === true) {
      const resolved = str(entry['resolved']);
      return resolved === undefined ? undefined : idOfPath.get(resolved);
    }
    return idOfPath.get(path);
  };
  const resolveFrom = (from: string, name: string): string | undefined => {
    let base = from;
    for (;;) {
      const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
      if (map.has(candidate)) return candidate;
      if (base === '') return undefined;
      const at = base.lastIndexOf('/node_modules/');
      base = at < 0 ? '' : base.slice(0, at);
    }
  };
  const rootDeps: string[] = [];
  for (const { path, entry, line } of entries) {
    if (entry['link'] === true) continue;
    const fromId = path === '' ? undefined : idOfPath.get(path);
    const from = fromId === undefined ? undefined : byId.get(fromId);
    const fields = path === '' || isWorkspace(path) ? [...DEP_FIELDS, 'devDependencies' as const] : DEP_FIELDS;
    for (const field of fields) {
      for (const depName of Object.keys(table(entry[field]))) {
        const at = resolveFrom(path, depName);
        const id = at === undefined ? undefined : target(at);
        if (id === undefined) {
          // Optional and peer dependencies may legitimately be absent.
          if (field === 'dependencies' || field === 'devDependencies') {
            unresolved.push({
              name: depName,
              reason: `required by ${path === '' ? 'the root' : path} but not in the lock`,
              ...(line === undefined ? {} : { line }),
            });
          }
          continue;
        }
        if (path === '') {
          if (!rootDeps.includes(id)) rootDeps.push(id);
        } else if (from && from.id !== id && !from.dependsOn.includes(id)) {
          from.dependsOn.push(id);
        }
      }
    }
  }
  // Workspace packages hang off the root.
  for (const [path, id] of idOfPath) if (isWorkspace(path) && !rootDeps.includes(id)) rootDeps.push(id);
  if (lockVersion === 1 && !manifest) {
    // v1 without package.json: the roots are the top-level packages nothing requires.
    const depended = new Set([...byId.values()].flatMap((p) => p.dependsOn));
    for (const [path, id] of idOfPath)
      if (!path.slice('node_modules/'.length).includes('node_modules/') && !depended.has(id) && !rootDeps.includes(id))
        rootDeps.push(id);
  }
  const direct = new Set(rootDeps);
  for (const pkg of byId.values()) pkg.direct = direct.has(pkg.id);
  return {
    file: source.shown,
    kind: 'npm',
    format: `package-lock lockfileVersion ${lockVersion}`,
    ecosystem: 'npm',
    root: {
      name: str(rootEntry['name']) ?? str(doc['name']) ?? '',
      version: str(rootEntry['version']) ?? str(doc['version']),
      dependsOn: rootDeps,
    },
    packages: [...byId.values()],
    hasGraph: true,
    unresolved,
    conflicts,
  };
}

function pickDeps(manifest: Table): Table {
  const out: Table = {};
  for (const f of [...DEP_FIELDS, 'devDependencies']) if (isTable(manifest[f])) out[f] = manifest[f];
  return out;
}
