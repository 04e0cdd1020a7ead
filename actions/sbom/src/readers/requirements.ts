import { FileError } from '@spikeformer-actions/core';
import {
  type Artifact,
  type Hash,
  type LockedPackage,
  type LockfileReport,
  newPackage,
  type Unresolved,
} from '../model.js';
import { addHashes, normalizePythonName, prefixedHash, pypiPurl, simpleIndexUrl } from '../names.js';
import { nameFromArchive, parseRequirement } from './pep508.js';
import { type Loader, siblingPath, type TextSource } from './source.js';

/**
 * requirements.txt as pip reads it: continuations, comments, `-r`/`-c` includes, `--hash`,
 * extras, markers, URL/VCS/path and editable entries. pip-compile's `# via` comments give
 * the dependency graph (they name who pulled a package in).
 */

interface Entry {
  key: string;
  name: string;
  version: string | undefined;
  specifier: string;
  extras: string[];
  marker: string | undefined;
  hashes: Hash[];
  url: string | undefined;
  editable: boolean;
  file: string;
  line: number;
  via: string[];
}

interface LogicalLine {
  text: string;
  line: number;
  comment: string | undefined;
  /** The physical lines joined into this one (first line number, texts), to place errors exactly. */
  parts: string[];
}

/** Line of the physical part holding token (a continuation line), else the logical line's first. */
function lineOf(logical: LogicalLine, token: string): number {
  const at = logical.parts.findIndex((p) => p.includes(token));
  return logical.line + Math.max(0, at);
}

/** Joins backslash continuations and separates the comment (a `#` at the start or after whitespace). */
function logicalLines(text: string): LogicalLine[] {
  const physical = text.split(/\r?\n/);
  const out: LogicalLine[] = [];
  for (let i = 0; i < physical.length; i++) {
    const start = i + 1;
    let joined = physical[i] ?? '';
    const parts = [joined];
    while (/(^|[^\\])\\$/.test(joined) && i + 1 < physical.length) {
      const next = physical[++i] ?? '';
      parts.push(next);
      joined = joined.slice(0, -1) + ' ' + next;
    }
    const hashAt = joined.search(/(^|\s)#/);
    const comment = hashAt < 0 ? undefined : joined.slice(joined.indexOf('#', hashAt) + 1).trim();
    out.push({ text: (hashAt < 0 ? joined : joined.slice(0, hashAt)).trim(), line: start, comment, parts });
  }
  return out;
}

/** Splits a line into shell-like words (pip uses shlex for options). */
function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

const GLOBAL_OPTIONS_WITH_VALUE = new Set([
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '--no-binary',
  '--only-binary',
  '--trusted-host',
  '--use-feature',
  '-Z',
  '--always-unzip',
]);
const GLOBAL_FLAGS = new Set(['--no-index', '--prefer-binary', '--require-hashes', '--pre']);
const PER_REQUIREMENT_WITH_VALUE = new Set(['--hash', '--config-settings', '--global-option', '--install-option']);

function optionValue(tokens: string[], i: number): [string | undefined, number] {
  const token = tokens[i] ?? '';
  const eq = token.indexOf('=');
  if (token.startsWith('--') && eq > 0) return [token.slice(eq + 1), i];
  if (/^-[a-zA-Z]./.test(token) && !token.startsWith('--')) return [token.slice(2), i];
  return [tokens[i + 1], i + 1];
}

function optionName(token: string): string {
  const eq = token.indexOf('=');
  if (token.startsWith('--')) return eq > 0 ? token.slice(0, eq) : token;
  return token.slice(0, 2);
}

interface ParseState {
  notes: Array<{ line: number; text: string }>;
  entries: Entry[];
  constraints: Map<string, { version: string; file: string; line: number }>;
  visited: Set<string>;
  unresolved: Unresolved[];
  indexUrl: string;
  anyVia: boolean;
}

function isUrlLike(text: string): boolean {
  return /^(?:git|hg|svn|bzr)\+|^[a-z][a-z0-9+.-]*:\/\/|^file:|^\.{0,2}\/|^[A-Za-z]:[\\/]/.test(text);
}

/** `.`, `./` or `file:.`, with or without extras: the directory pip is run in, i.e. the project. */
function isProjectItself(spec: string): boolean {
  return /^(?:file:)?\.\/?(?:\[[^\]]*\])?$/.test(spec);
}

/** Name for a URL/path requirement: `#egg=` fragment, else the archive's file name. */
function urlRequirement(url: string): { name: string; version: string | undefined } | undefined {
  const egg = /[#&]egg=([A-Za-z0-9._-]+)/.exec(url);
  if (egg?.[1]) {
    const [name, version] = egg[1].split(/-(?=\d)/, 2);
    return name ? { name, version } : undefined;
  }
  const archive = nameFromArchive(url);
  return archive ? { name: archive.name, version: archive.version } : undefined;
}

/** A hash in a URL fragment (`#sha256=...`), which pip also checks. */
function fragmentHash(url: string): Hash | undefined {
  const m = /#(?:.*&)?(md5|sha1|sha256|sha384|sha512)=([0-9a-fA-F]+)/.exec(url);
  return m?.[1] && m[2] ? prefixedHash(`${m[1]}:${m[2]}`) : undefined;
}

async function parseFile(source: TextSource, load: Loader, state: ParseState, asConstraints: boolean): Promise<void> {
  if (state.visited.has(source.path)) return;
  state.visited.add(source.path);
  const lines = logicalLines(source.text);
  let last: Entry | undefined;
  let collectingVia = false;
  for (const logical of lines) {
    const { text, line, comment } = logical;
    if (text === '') {
      // pip-compile annotations: "# via x", or "# via" followed by "#   x" lines.
      if (comment !== undefined && last) {
        const via = /^via(?:\s+(.*))?$/.exec(comment);
        if (via) {
          state.anyVia = true;
          collectingVia = via[1] === undefined;
          if (via[1] !== undefined) last.via.push(via[1].trim());
        } else if (collectingVia && /^\S/.test(comment) && !/^[A-Za-z ]+:/.test(comment)) {
          last.via.push(comment.trim());
        } else {
          collectingVia = false;
        }
      }
      continue;
    }
    collectingVia = false;
    const tokens = words(text);
    const first = tokens[0] ?? '';
    if (first.startsWith('-') && !first.startsWith('-e') && !first.startsWith('--editable')) {
      const name = optionName(first);
      if (name === '-r' || name === '--requirement' || name === '-c' || name === '--constraint') {
        const [target] = optionValue(tokens, 0);
        if (!target) throw new FileError(source.shown, `${name} needs a file name`, { line });
        const included = await load(siblingPath(source, target), { file: source.shown, line, written: target });
        await parseFile(included, load, state, asConstraints || name === '-c' || name === '--constraint');
        last = undefined;
        continue;
      }
      if (name === '-i' || name === '--index-url') {
        const [url] = optionValue(tokens, 0);
        if (url) state.indexUrl = url;
        continue;
      }
      if (GLOBAL_OPTIONS_WITH_VALUE.has(name) || GLOBAL_FLAGS.has(name)) continue;
      throw new FileError(source.shown, `unknown option '${name}'`, { line });
    }
    // A requirement, possibly editable, followed by per-requirement options.
    let editable = false;
    let i: number;
    let spec: string;
    if (
      first === '-e' ||
      first === '--editable' ||
      first.startsWith('--editable=') ||
      (first.startsWith('-e') && first.length > 2)
    ) {
      editable = true;
      const [value, at] = optionValue(tokens, 0);
      if (!value) throw new FileError(source.shown, `${optionName(first)} needs a path or URL`, { line });
      spec = value;
      i = at + 1;
    } else {
      // The requirement runs until the first per-requirement option.
      const optAt = tokens.findIndex((t) => t.startsWith('--'));
      spec = (optAt < 0 ? tokens : tokens.slice(0, optAt)).join(' ');
      i = optAt < 0 ? tokens.length : optAt;
    }
    const hashes: Hash[] = [];
    for (; i < tokens.length; i++) {
      const name = optionName(tokens[i] ?? '');
      if (!PER_REQUIREMENT_WITH_VALUE.has(name))
        throw new FileError(source.shown, `unknown option '${tokens[i] ?? ''}' after a requirement`, {
          line: lineOf(logical, tokens[i] ?? ''),
        });
      const [value, at] = optionValue(tokens, i);
      i = at;
      if (name === '--hash') {
        const hash = value === undefined ? undefined : prefixedHash(value);
        if (!hash)
          throw new FileError(source.shown, `malformed --hash '${value ?? ''}' (expected <algorithm>:<hex digest>)`, {
            line: lineOf(logical, value ?? '--hash'),
          });
        addHashes(hashes, [hash]);
      }
    }
    if (isProjectItself(spec)) {
      // `-e .` / `-e .[socks]` (requests' requirements-dev.txt): the project being described, not a dependency of it.
      state.notes.push({
        line,
        text: `${source.shown}:${line}: '${editable ? '-e ' : ''}${spec}' is the project itself: not listed as a dependency`,
      });
      last = undefined;
      continue;
    }
    let entry: Entry;
    if (isUrlLike(spec)) {
      const found = urlRequirement(spec);
      if (!found)
        throw new FileError(source.shown, `cannot tell the project name of '${spec}' (add #egg=<name>)`, { line });
      const fragment = fragmentHash(spec);
      if (fragment) addHashes(hashes, [fragment]);
      entry = {
        key: normalizePythonName(found.name),
        name: found.name,
        version: found.version,
        specifier: '',
        extras: [],
        marker: undefined,
        hashes,
        url: spec,
        editable,
        file: source.shown,
        line,
        via: [],
      };
    } else {
      const req = parseRequirement(spec);
      if (typeof req === 'string') throw new FileError(source.shown, req, { line });
      let version = req.pinned;
      if (version === undefined && req.url) version = urlRequirement(req.url)?.version;
      if (req.url) {
        const fragment = fragmentHash(req.url);
        if (fragment) addHashes(hashes, [fragment]);
      }
      entry = {
        key: normalizePythonName(req.name),
        name: req.name,
        version,
        specifier: req.specifier,
        extras: req.extras,
        marker: req.marker,
        hashes,
        url: req.url,
        editable,
        file: source.shown,
        line,
        via: [],
      };
    }
    if (asConstraints) {
      if (entry.version !== undefined)
        state.constraints.set(entry.key, { version: entry.version, file: source.shown, line });
      last = undefined;
      continue;
    }
    state.entries.push(entry);
    last = entry;
  }
}

function sourceOf(entry: Entry): LockedPackage['source'] {
  if (!entry.url) return { kind: entry.editable ? 'editable' : 'registry', url: '' };
  if (entry.editable) return { kind: 'editable', url: entry.url };
  if (/^(?:git|hg|svn|bzr)\+/.test(entry.url)) return { kind: 'vcs', url: entry.url };
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(entry.url) && !entry.url.startsWith('file:'))
    return { kind: 'url', url: entry.url };
  return { kind: 'path', url: entry.url };
}

function purlQualifiers(src: LockedPackage['source']): Record<string, string> | undefined {
  if (!src || src.url === '') return undefined;
  if (src.kind === 'vcs') return { vcs_url: src.url };
  if (src.kind === 'url') return { download_url: src.url.replace(/#.*$/, '') };
  return undefined;
}

export async function readRequirements(source: TextSource, load: Loader): Promise<LockfileReport> {
  const state: ParseState = {
    notes: [],
    entries: [],
    constraints: new Map(),
    visited: new Set(),
    unresolved: [],
    indexUrl: 'https://pypi.org/simple',
    anyVia: false,
  };
  await parseFile(source, load, state, false);

  const byKey = new Map<string, LockedPackage>();
  const conflicts: LockfileReport['conflicts'] = [];
  const entryOf = new Map<string, Entry>();
  for (const entry of state.entries) {
    if (entry.version === undefined && !entry.url) {
      const pin = state.constraints.get(entry.key);
      if (pin) entry.version = pin.version;
    }
    const previous = entryOf.get(entry.key);
    if (previous) {
      // pip itself refuses "Double requirement given" when the two differ.
      if (previous.version !== entry.version || previous.url !== entry.url) {
        conflicts.push({
          purl: pypiPurl(entry.name, undefined),
          problem: `${entry.name} is required as ${previous.version ?? previous.url ?? previous.specifier} (${previous.file}:${previous.line}) and as ${entry.version ?? entry.url ?? entry.specifier} (${entry.file}:${entry.line})`,
          files: [previous.file, entry.file],
        });
      }
      const pkg = byKey.get(entry.key);
      if (pkg) addHashes(pkg.hashes, entry.hashes);
      previous.via.push(...entry.via);
      continue;
    }
    entryOf.set(entry.key, entry);
    const src = sourceOf(entry);
    const purl = pypiPurl(entry.name, entry.version, purlQualifiers(src));
    const pkg = newPackage({
      id: purl,
      ecosystem: 'pypi',
      name: entry.name,
      version: entry.version,
      purl,
      line: entry.line,
      source: src,
    });
    if (entry.extras.length > 0) pkg.properties.push(['spikeformer:python:extras', entry.extras.join(',')]);
    if (entry.marker) pkg.properties.push(['spikeformer:python:marker', entry.marker]);
    if (entry.file !== source.shown) pkg.properties.push(['spikeformer:requirements:file', entry.file]);
    byKey.set(entry.key, pkg);
    if (entry.version === undefined) {
      state.unresolved.push({
        name: entry.name,
        reason: entry.url ? `no version in ${entry.url}` : `not pinned (${entry.specifier || 'any version'})`,
        line: entry.line,
      });
    }
  }
  // Hashes: the file each hash belongs to is unknown, so each becomes a distribution reference on the index page.
  for (const [key, pkg] of byKey) {
    const entry = entryOf.get(key);
    if (!entry) continue;
    const all = [...entry.hashes];
    for (const e of state.entries) if (e !== entry && e.key === key) addHashes(all, e.hashes);
    pkg.artifacts = all.map((h): Artifact => ({
      url:
        entry.url && !entry.url.startsWith('git+')
          ? entry.url.replace(/#.*$/, '')
          : `${simpleIndexUrl(state.indexUrl, entry.name)}#${h.alg.toLowerCase().replace('-', '')}=${h.content}`,
      comment: `hash pinned in ${entry.file}:${entry.line}`,
      hashes: [h],
    }));
    if (all.length === 1 && all[0]) pkg.hashes = [all[0]];
  }
  // Graph from pip-compile's "# via": an entry naming a package means that package depends on this one.
  const rootDeps: string[] = [];
  for (const [key, entry] of entryOf) {
    const pkg = byKey.get(key);
    if (!pkg) continue;
    const parents = entry.via.map((v) => v.trim()).filter((v) => v !== '');
    let direct = parents.length === 0;
    for (const via of parents) {
      // "-r requirements.in", "-c constraints.txt", "sigstore (pyproject.toml)" mark a direct requirement.
      if (via.startsWith('-r ') || via.startsWith('-c ') || /\(.*\)$/.test(via)) {
        direct = true;
        continue;
      }
      const parent = byKey.get(normalizePythonName(via.replace(/\[.*$/, '')));
      if (parent) {
        if (!parent.dependsOn.includes(pkg.id)) parent.dependsOn.push(pkg.id);
      } else {
        state.unresolved.push({
          name: entry.name,
          reason: `'# via ${via}' names a package that is not in the file`,
          line: entry.line,
        });
      }
    }
    pkg.direct = direct;
    if (direct) rootDeps.push(pkg.id);
  }
  return {
    file: source.shown,
    kind: 'requirements',
    format: state.anyVia ? 'requirements.txt (pip-compile)' : 'requirements.txt',
    ecosystem: 'pypi',
    root: { name: '', version: undefined, dependsOn: rootDeps },
    packages: [...byKey.values()],
    hasGraph: state.anyVia,
    unresolved: state.unresolved,
    conflicts,
    notes: state.notes,
  };
}
