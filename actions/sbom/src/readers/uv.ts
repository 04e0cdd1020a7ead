import { FileError } from '@spikeformer-actions/core';
import { scopeByReachability } from '../graph.js';
import { type Artifact, type LockedPackage, type LockfileReport, newPackage } from '../model.js';
import { normalizePythonName, prefixedHash, pypiPurl } from '../names.js';
import { LineIndex, type TextSource } from './source.js';
import { list, parseTomlText, requireString, str, stringList, type Table, table } from './structured.js';

/**
 * uv.lock (version 1): packages with their source, sdist/wheel hashes, dependencies with
 * extras and markers, optional-dependencies (extras) and dev-dependencies (groups). The
 * project itself (and workspace members) are the packages with an editable/virtual source.
 */

interface DepRef {
  name: string;
  version: string | undefined;
  extras: string[];
}

function depRefs(value: unknown): DepRef[] {
  return list(value).map((d) => {
    const t = table(d);
    return {
      name: normalizePythonName(str(t['name']) ?? ''),
      version: str(t['version']),
      extras: stringList(t['extra']),
    };
  });
}

function sourceOf(source: Table): { src: LockedPackage['source']; member: boolean } {
  for (const kind of ['editable', 'virtual'] as const) {
    const at = str(source[kind]);
    if (at !== undefined)
      return { src: { kind: kind === 'editable' ? 'editable' : 'workspace', url: at }, member: true };
  }
  const git = str(source['git']);
  if (git) return { src: { kind: 'vcs', url: `git+${git.replace(/#([0-9a-f]{7,40})$/, '@$1')}` }, member: false };
  const url = str(source['url']);
  if (url) return { src: { kind: 'url', url }, member: false };
  const local = str(source['path']) ?? str(source['directory']);
  if (local) return { src: { kind: 'path', url: local }, member: false };
  return { src: { kind: 'registry', url: str(source['registry']) ?? '' }, member: false };
}

function qualifiers(src: LockedPackage['source']): Record<string, string> | undefined {
  if (!src || src.url === '') return undefined;
  if (src.kind === 'vcs') return { vcs_url: src.url };
  if (src.kind === 'url') return { download_url: src.url };
  if (src.kind === 'registry' && src.url.replace(/\/+$/, '') !== 'https://pypi.org/simple')
    return { repository_url: src.url };
  return undefined;
}

function artifacts(entry: Table, shown: string, line: number | undefined): Artifact[] {
  const out: Artifact[] = [];
  const files = [entry['sdist'], ...list(entry['wheels'])].filter((f) => f !== undefined).map(table);
  for (const f of files) {
    const value = str(f['hash']);
    if (value === undefined) continue;
    const hash = prefixedHash(value);
    if (!hash) throw new FileError(shown, `malformed hash '${value}'`, line === undefined ? {} : { line });
    const url = str(f['url']) ?? str(f['path']) ?? '';
    out.push({ url, comment: `file ${url.replace(/^.*\//, '')}`, hashes: [hash] });
  }
  return out;
}

export function readUvLock(source: TextSource): LockfileReport {
  const doc = parseTomlText(source.text, source.shown);
  const lines = new LineIndex(source.text);
  const version = doc['version'];
  if (version !== 1) {
    throw new FileError(
      source.shown,
      `unsupported uv.lock version ${JSON.stringify(version ?? null)} (this action reads version 1)`,
      { line: lines.find('version') ?? 1 },
    );
  }
  const packages: LockedPackage[] = [];
  const members: Array<{ pkg: LockedPackage; entry: Table }> = [];
  const byName = new Map<string, LockedPackage[]>();
  const raw = new Map<LockedPackage, Table>();
  let cursor = 0;
  for (const item of list(doc['package'])) {
    const entry = table(item);
    const at = source.text.indexOf('[[package]]', cursor);
    const line = at < 0 ? undefined : lines.lineAt(at);
    if (at >= 0) cursor = at + 1;
    const name = requireString(entry, 'name', source.shown, line, 'a [[package]] entry');
    const pkgVersion = str(entry['version']);
    const { src, member } = sourceOf(table(entry['source']));
    const purl = pypiPurl(name, pkgVersion, qualifiers(src));
    const pkg = newPackage({ id: purl, ecosystem: 'pypi', name, version: pkgVersion, purl, line, source: src });
    pkg.artifacts = artifacts(entry, source.shown, line);
    if (pkg.artifacts.length === 1 && pkg.artifacts[0]) pkg.hashes = [...pkg.artifacts[0].hashes];
    raw.set(pkg, entry);
    const key = normalizePythonName(name);
    byName.set(key, [...(byName.get(key) ?? []), pkg]);
    if (member) members.push({ pkg, entry });
    else packages.push(pkg);
  }
  const resolve = (ref: DepRef): LockedPackage[] => {
    const candidates = byName.get(ref.name) ?? [];
    return ref.version === undefined ? candidates : candidates.filter((c) => c.version === ref.version);
  };
  const link = (from: LockedPackage, refs: DepRef[]): void => {
    for (const ref of refs)
      for (const target of resolve(ref)) if (!from.dependsOn.includes(target.id)) from.dependsOn.push(target.id);
  };
  // `{ name = "pydantic", extra = ["email"] }`: the requester needs pydantic and what pydantic's email
  // extra brings, so those edges are the requester's (a dev-only requester keeps them dev-only).
  const withExtras = (refs: DepRef[]): DepRef[] =>
    refs.flatMap((ref) => [
      ref,
      ...resolve(ref).flatMap((target) =>
        ref.extras.flatMap((e) => depRefs(table(raw.get(target)?.['optional-dependencies'])[e])),
      ),
    ]);
  for (const [pkg, entry] of raw) link(pkg, withExtras(depRefs(entry['dependencies'])));
  const root = members.find((m) => m.pkg.source?.url === '.') ?? members[0];
  const runtime: string[] = [];
  const optional: string[] = [];
  const dev: string[] = [];
  for (const { pkg, entry } of members) {
    runtime.push(...pkg.dependsOn);
    for (const refs of Object.values(table(entry['optional-dependencies'])))
      optional.push(...withExtras(depRefs(refs)).flatMap((r) => resolve(r).map((p) => p.id)));
    for (const refs of Object.values(table(entry['dev-dependencies'])))
      dev.push(...withExtras(depRefs(refs)).flatMap((r) => resolve(r).map((p) => p.id)));
  }
  // Other workspace members are components of their own; the root depends on them.
  const otherMembers = members.filter((m) => m !== root).map((m) => m.pkg);
  packages.push(...otherMembers);
  const directIds = new Set([...runtime, ...optional, ...dev]);
  for (const pkg of packages) pkg.direct = directIds.has(pkg.id);
  scopeByReachability(packages, { runtime: [...runtime, ...otherMembers.map((m) => m.id)], optional, dev });
  return {
    file: source.shown,
    kind: 'uv',
    // uv writes an integer; any other value shows as it stringifies.
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    format: `uv.lock version 1${doc['revision'] === undefined ? '' : ` revision ${String(doc['revision'])}`}`,
    ecosystem: 'pypi',
    root: {
      name: root?.pkg.name ?? '',
      version: root?.pkg.version,
      dependsOn: [...new Set([...(root?.pkg.dependsOn ?? []), ...optional, ...dev, ...otherMembers.map((m) => m.id)])],
    },
    packages,
    hasGraph: true,
    unresolved: [],
    conflicts: [],
  };
}
