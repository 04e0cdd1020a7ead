import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FileError, parseJsonText, PathError, readTextFile, resolveInWorkspace } from '@spikeformer-actions/core';
import { withoutCredentials } from './credentials.js';
import type { LockfileReport, LockKind } from '../model.js';
import { readNpmLock } from './npm.js';
import { readPipfileLock, readPipfileManifest } from './pipenv.js';
import { type ImporterLookup, readPnpmLock } from './pnpm.js';
import { readPoetryLock } from './poetry.js';
import { readPythonManifest } from './pyproject.js';
import { readRequirements } from './requirements.js';
import type { Loader, TextSource } from './source.js';
import { isTable, parseTomlText, str, type Table } from './structured.js';
import { readUvLock } from './uv.js';
import { readYarnBerry, readYarnClassic } from './yarn.js';

/** Which reader a file name calls for; undefined for files that are not lockfiles. */
export type FileKind = Exclude<LockKind, 'yarn-classic' | 'yarn-berry'> | 'yarn';

/**
 * Lockfiles are found by name: requirements*.txt, *-requirements.txt and any .txt in a
 * `requirements/` folder (pip-compile's `requirements/dev.txt`). A file the user names
 * (`explicit`) may be any requirements file: pip reads any name given with -r.
 */
export function lockKindOf(file: string, explicit = false): FileKind | undefined {
  const base = path.basename(file);
  if (base === 'package-lock.json' || base === 'npm-shrinkwrap.json') return 'npm';
  if (base === 'pnpm-lock.yaml') return 'pnpm';
  if (base === 'yarn.lock') return 'yarn';
  if (base === 'poetry.lock') return 'poetry';
  if (base === 'uv.lock') return 'uv';
  if (base === 'Pipfile.lock') return 'pipenv';
  // requirements*.txt and *-requirements.txt; not pip-compile's unpinned requirements.in.
  if (/^requirements.*\.txt$|[-_.]requirements\.txt$/.test(base)) return 'requirements';
  if (base.endsWith('.txt') && (explicit || path.basename(path.dirname(file)) === 'requirements'))
    return 'requirements';
  return undefined;
}

/** What to say when a file the user named is not one this action reads. */
export const READABLE_FILES =
  "package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock, poetry.lock, uv.lock, Pipfile.lock, or a pip requirements file (*.txt, e.g. pip-compile's output; not its unpinned requirements.in)";

const MAX_LOCK_BYTES = 64 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/**
 * Why a path a lockfile names (an include, an importer, a manifest beside it) may not be read:
 * outside the workspace, or through a symlink leaving it; undefined when it may.
 */
export function outsideWorkspace(target: string, root: string): string | undefined {
  // Named by where it is, not by the workspace's absolute path: the file that names it gives the rest.
  const rel = path.relative(root, target);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return 'is outside the workspace';
  try {
    resolveInWorkspace(target, 'path', root);
  } catch (error) {
    if (error instanceof PathError) return 'leads through a symlink outside the workspace';
    throw error;
  }
  return undefined;
}

/** Every file this action reads comes through here: bounded, and with credentials taken out of its URLs. */
async function readSource(file: string, shown: string, maxBytes = MAX_LOCK_BYTES): Promise<TextSource> {
  return { path: file, shown, text: withoutCredentials(await readTextFile(file, maxBytes, shown)) };
}

async function optionalSibling(
  lock: string,
  name: string,
  shownLock: string,
  root: string,
): Promise<TextSource | undefined> {
  const file = path.join(path.dirname(lock), name);
  if (!existsSync(file)) return undefined;
  const shown = path.posix.join(path.posix.dirname(shownLock), name);
  const refused = outsideWorkspace(file, root);
  if (refused !== undefined) throw new FileError(shown, refused);
  return readSource(file, shown, MAX_MANIFEST_BYTES);
}

async function jsonManifest(lock: string, shownLock: string, root: string): Promise<Table | undefined> {
  const src = await optionalSibling(lock, 'package.json', shownLock, root);
  if (!src) return undefined;
  const doc = parseJsonText(src.text, src.shown);
  if (!isTable(doc)) throw new FileError(src.shown, 'is not a JSON object', { line: 1 });
  return doc;
}

/**
 * Name/version of a pnpm importer from its package.json, when the folder exists beside the lock.
 * Importer paths come from the lock: one outside the workspace is refused, naming the lock's line.
 */
function pnpmImporters(lock: string, shownLock: string, root: string): ImporterLookup {
  return (rel, line) => {
    const dir = path.join(path.dirname(lock), rel);
    const refused = outsideWorkspace(dir, root);
    if (refused !== undefined)
      throw new FileError(shownLock, `importer '${rel}' ${refused}`, line === undefined ? {} : { line });
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) return undefined;
    if (outsideWorkspace(file, root) !== undefined)
      throw new FileError(
        shownLock,
        `importer '${rel}' leads through a symlink outside the workspace`,
        line === undefined ? {} : { line },
      );
    try {
      const info = statSync(file);
      if (!info.isFile() || info.size > MAX_MANIFEST_BYTES) return undefined;
      const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      return isTable(doc) && typeof doc['name'] === 'string'
        ? { name: doc['name'], version: str(doc['version']) }
        : undefined;
    } catch {
      // An unreadable workspace package.json only costs that importer its name.
      return undefined;
    }
  };
}

/** A pyproject.toml beside a lock that does not name its project gives the root its name and version. */
async function withPyprojectIdentity(
  report: LockfileReport,
  lock: string,
  shownLock: string,
  root: string,
): Promise<LockfileReport> {
  const pyproject = await optionalSibling(lock, 'pyproject.toml', shownLock, root);
  if (pyproject) {
    const m = readPythonManifest(parseTomlText(pyproject.text, pyproject.shown));
    report.root.name = m.name ?? '';
    report.root.version = m.version;
  }
  return report;
}

/**
 * Reads one lockfile (absolute path; shown is its workspace-relative name) with the manifest
 * beside it (package.json, pyproject.toml, Pipfile) for the root's name and direct dependencies.
 * Every other file it names (includes, importers, manifests) must lie in the workspace `root`.
 */
export async function readLockfile(file: string, shown: string, root: string): Promise<LockfileReport> {
  // Only files that were found by name or named by the user reach here.
  const kind = lockKindOf(file, true);
  if (!kind) throw new FileError(shown, `is not a lockfile this action reads: give ${READABLE_FILES}`);
  const source = await readSource(file, shown);
  switch (kind) {
    case 'npm':
      return readNpmLock(source, await jsonManifest(file, shown, root));
    case 'pnpm': {
      return readPnpmLock(source, pnpmImporters(file, shown, root));
    }
    case 'yarn': {
      const manifest = await jsonManifest(file, shown, root);
      // Berry locks are YAML and start (after comments) with __metadata.
      return /^__metadata:/m.test(source.text) ? readYarnBerry(source, manifest) : readYarnClassic(source, manifest);
    }
    case 'poetry':
    case 'uv': {
      const pyproject = await optionalSibling(file, 'pyproject.toml', shown, root);
      const manifest = pyproject ? readPythonManifest(parseTomlText(pyproject.text, pyproject.shown)) : undefined;
      if (kind === 'uv') return readUvLock(source);
      return readPoetryLock(source, manifest);
    }
    case 'pipenv': {
      const pipfile = await optionalSibling(file, 'Pipfile', shown, root);
      const report = readPipfileLock(
        source,
        pipfile ? readPipfileManifest(parseTomlText(pipfile.text, pipfile.shown)) : undefined,
      );
      return withPyprojectIdentity(report, file, shown, root);
    }
    case 'requirements': {
      const load: Loader = async (target, from) => {
        const refused = outsideWorkspace(target, root);
        if (refused !== undefined)
          throw new FileError(from.file, `include '${from.written}' ${refused}`, { line: from.line });
        const rel = path.relative(root, target).split(path.sep).join('/');
        if (!existsSync(target))
          throw new FileError(from.file, `included file '${rel}' does not exist`, { line: from.line });
        return readSource(target, rel);
      };
      return withPyprojectIdentity(await readRequirements(source, load), file, shown, root);
    }
  }
}
