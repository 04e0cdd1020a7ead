import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { FileError, InputError, readTextFile } from '@spikeformer-actions/core';
import { outsideWorkspace } from '../readers/index.js';
import { classifierLicense } from './aliases.js';
import { parseExpression } from './expression.js';

/**
 * Licenses of an installed Python environment, from the core metadata each distribution
 * installs (`*.dist-info/METADATA`, or `PKG-INFO` of an `*.egg-info`): License-Expression,
 * License and the `Classifier: License ::` lines, the fields pip-licenses reads.
 */

export interface InstalledDistribution {
  name: string;
  version: string;
  /** The license strings for the model: one SPDX expression, mapped classifiers, or the text as written. */
  licenses: string[];
  /** Workspace-relative metadata file. */
  file: string;
}

/** METADATA files are small; a long description is what makes one large. */
const MAX_METADATA_BYTES = 4 * 1024 * 1024;
const MAX_DISTRIBUTIONS = 20_000;
/** A License field this long is the license text itself, not a name. */
const MAX_LICENSE_FIELD = 1000;

/**
 * The header fields of a core metadata file (RFC 822 style; the body after the first blank line is
 * the description).
 */
export function metadataHeaders(text: string): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    const last = headers[headers.length - 1];
    if (/^[ \t]/.test(line) && last) {
      // A continuation line (a multi-line License field).
      last[1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return headers;
}

/** What pip-licenses would report, made SPDX where that is unambiguous (see aliases.ts and resolve.ts). */
export function licensesFromHeaders(headers: ReadonlyArray<[string, string]>): string[] {
  const field = (name: string): string | undefined => headers.find(([k]) => k.toLowerCase() === name)?.[1];
  const expression = field('license-expression');
  if (expression !== undefined && expression !== '') return [expression];
  const license = field('license');
  const usable =
    license !== undefined &&
    license !== '' &&
    license.toUpperCase() !== 'UNKNOWN' &&
    license.length <= MAX_LICENSE_FIELD
      ? license
      : undefined;
  if (usable !== undefined && parseExpression(usable) !== undefined) return [usable];
  const classifiers = headers
    .filter(([k, v]) => k.toLowerCase() === 'classifier' && /^License\s*::/.test(v))
    .map(([, v]) => v);
  const mapped = classifiers.map(classifierLicense).filter((id): id is string => id !== undefined);
  if (mapped.length > 0) return [...new Set(mapped)];
  if (usable !== undefined) return [usable];
  // Unmapped classifiers are still what the package says: kept as text, judged unknown.
  return classifiers
    .map((c) => c.replace(/^License\s*::\s*(?:OSI Approved\s*::\s*)?/, ''))
    .filter((c) => c !== '' && c !== 'OSI Approved');
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

function isMetadataDir(name: string): boolean {
  return name.endsWith('.dist-info') || name.endsWith('.egg-info');
}

/**
 * The site-packages folders of a virtual environment (lib/python3.X/site-packages,
 * Lib/site-packages), or the folder itself.
 */
async function sitePackages(dir: string, shown: string): Promise<string[]> {
  const entries = await readdir(dir);
  if (entries.some(isMetadataDir)) return [dir];
  const found: string[] = [];
  for (const lib of ['lib', 'lib64', 'Lib']) {
    const libDir = path.join(dir, lib);
    if (!(await isDirectory(libDir))) continue;
    if (lib === 'Lib') {
      if (await isDirectory(path.join(libDir, 'site-packages'))) found.push(path.join(libDir, 'site-packages'));
      continue;
    }
    for (const version of (await readdir(libDir)).filter((n) => /^python\d/.test(n)).sort()) {
      const site = path.join(libDir, version, 'site-packages');
      if (await isDirectory(site)) found.push(site);
    }
  }
  // lib64 is a link to lib in venvs on some systems: each folder once (by where it really is, shown
  // by where it was found).
  const unique: string[] = [];
  const seen = new Set<string>();
  for (const f of found) {
    const real = await realpath(f);
    if (!seen.has(real)) unique.push(f);
    seen.add(real);
  }
  if (unique.length === 0)
    throw new InputError(
      'python-environment',
      `no installed packages in '${shown}' (expected a site-packages folder with *.dist-info, or a virtual environment holding lib/python3.*/site-packages)`,
    );
  return unique;
}

/** Every distribution installed in `dir` (absolute, inside the workspace) with its licenses. */
export async function readPythonEnvironment(dir: string, root: string): Promise<InstalledDistribution[]> {
  const shownOf = (p: string): string => path.relative(root, p) || '.';
  if (!(await isDirectory(dir))) throw new InputError('python-environment', `'${shownOf(dir)}' is not a folder`);
  const out: InstalledDistribution[] = [];
  for (const site of await sitePackages(dir, shownOf(dir))) {
    const refused = outsideWorkspace(site, root);
    if (refused !== undefined) throw new InputError('python-environment', `'${shownOf(site)}' ${refused}`);
    const names = (await readdir(site)).filter(isMetadataDir).sort();
    if (out.length + names.length > MAX_DISTRIBUTIONS)
      throw new InputError('python-environment', `more than ${MAX_DISTRIBUTIONS} installed distributions`);
    for (const name of names) {
      const entry = path.join(site, name);
      // An egg-info is a folder holding PKG-INFO, or (distutils) the metadata file itself.
      const file = name.endsWith('.dist-info')
        ? path.join(entry, 'METADATA')
        : (await isDirectory(entry))
          ? path.join(entry, 'PKG-INFO')
          : entry;
      const shown = shownOf(file);
      const refusedFile = outsideWorkspace(file, root);
      if (refusedFile !== undefined) throw new FileError(shown, refusedFile);
      // A metadata folder without its file is a broken install: nothing to read, not an error.
      if (!(await exists(file))) continue;
      const text = await readTextFile(file, MAX_METADATA_BYTES, shown);
      const headers = metadataHeaders(text);
      const distName = headers.find(([k]) => k.toLowerCase() === 'name')?.[1];
      const version = headers.find(([k]) => k.toLowerCase() === 'version')?.[1];
      if (distName === undefined || distName === '' || version === undefined || version === '') continue;
      out.push({ name: distName, version, licenses: licensesFromHeaders(headers), file: shown });
    }
  }
  return out;
}
