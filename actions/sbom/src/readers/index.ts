import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FileError, parseJsonText, readTextFile } from '@spikeformer-actions/core';
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

export function lockKindOf(file: string): FileKind | undefined {
  const base = path.basename(file);
  if (base === 'package-lock.json' || base === 'npm-shrinkwrap.json') return 'npm';
  if (base === 'pnpm-lock.yaml') return 'pnpm';
  if (base === 'yarn.lock') return 'yarn';
  if (base === 'poetry.lock') return 'poetry';
  if (base === 'uv.lock') return 'uv';
  if (base === 'Pipfile.lock') return 'pipenv';
  // requirements*.txt and *-requirements.txt; not pip-compile's unpinned requirements.in.
  if (/^requirements.*\.txt$|[-_.]requirements\.txt$/.test(base)) return 'requirements';
  return undefined;
}

const MAX_LOCK_BYTES = 64 * 1024 * 1024;

async function readSource(file: string, shown: string): Promise<TextSource> {
  return { path: file, shown, text: await readTextFile(file, MAX_LOCK_BYTES, shown) };
}

async function optionalSibling(lock: string, name: string, shownLock: string): Promise<TextSource | undefined> {
  const file = path.join(path.dirname(lock), name);
  if (!existsSync(file)) return undefined;
  return readSource(file, path.posix.join(path.posix.dirname(shownLock), name));
}

async function jsonManifest(lock: string, shownLock: string): Promise<Table | undefined> {
  const src = await optionalSibling(lock, 'package.json', shownLock);
  if (!src) return undefined;
  const doc = parseJsonText(src.text, src.shown);
  if (!isTable(doc)) throw new FileError(src.shown, 'is not a JSON object', { line: 1 });
  return doc;
}

/** Name/version of a pnpm importer from its package.json, when the folder exists beside the lock. */
function pnpmImporters(lock: string): ImporterLookup {
  return (rel) => {
    const file = path.join(path.dirname(lock), rel, 'package.json');
    if (!existsSync(file)) return undefined;
    try {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      return isTable(doc) && typeof doc['name'] === 'string' ? { name: doc['name'], version: str(doc['version']) } : undefined;
    } catch {
      // An unreadable workspace package.json only costs that importer its name.
      return undefined;
    }
  };
}

/** A pyproject.toml beside a lock that does not name its project gives the root its name and version. */
async function withPyprojectIdentity(report: LockfileReport, lock: string, shownLock: string): Promise<LockfileReport> {
  const pyproject = await optionalSibling(lock, 'pyproject.toml', shownLock);
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
 * `includeRoot` bounds where requirements `-r` includes may come from.
 */
export async function readLockfile(file: string, shown: string, includeRoot: string): Promise<LockfileReport> {
  const kind = lockKindOf(file);
  if (!kind) throw new FileError(shown, 'is not a lockfile this action reads (package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock, poetry.lock, uv.lock, Pipfile.lock, requirements*.txt)');
  const source = await readSource(file, shown);
  switch (kind) {
    case 'npm':
      return readNpmLock(source, await jsonManifest(file, shown));
    case 'pnpm': {
      return readPnpmLock(source, pnpmImporters(file));
    }
    case 'yarn': {
      const manifest = await jsonManifest(file, shown);
      // Berry locks are YAML and start (after comments) with __metadata.
      return /^__metadata:/m.test(source.text) ? readYarnBerry(source, manifest) : readYarnClassic(source, manifest);
    }
    case 'poetry':
    case 'uv': {
      const pyproject = await optionalSibling(file, 'pyproject.toml', shown);
      const manifest = pyproject ? readPythonManifest(parseTomlText(pyproject.text, pyproject.shown)) : undefined;
      if (kind === 'uv') return readUvLock(source);
      return readPoetryLock(source, manifest);
    }
    case 'pipenv': {
      const pipfile = await optionalSibling(file, 'Pipfile', shown);
      const report = readPipfileLock(source, pipfile ? readPipfileManifest(parseTomlText(pipfile.text, pipfile.shown)) : undefined);
      return withPyprojectIdentity(report, file, shown);
    }
    case 'requirements': {
      const load: Loader = async (target, from) => {
        const rel = path.relative(includeRoot, target);
        if (rel.startsWith('..') || path.isAbsolute(rel)) throw new FileError(from.file, `include '${target}' is outside the workspace`, { line: from.line });
        if (!existsSync(target)) throw new FileError(from.file, `included file '${rel.split(path.sep).join('/')}' does not exist`, { line: from.line });
        return readSource(target, rel.split(path.sep).join('/'));
      };
      return withPyprojectIdentity(await readRequirements(source, load), file, shown);
    }
  }
}
