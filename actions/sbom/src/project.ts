import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseJsonText, readTextFile, workspaceRelative } from '@spikeformer-actions/core';
import { readPythonManifest } from './readers/pyproject.js';
import { isTable, parseTomlText, str } from './readers/structured.js';

/** The project a directory holds, by its pyproject.toml (first) or package.json. */
export async function projectIdentity(dir: string): Promise<{ name: string | undefined; version: string | undefined }> {
  const pyproject = path.join(dir, 'pyproject.toml');
  if (existsSync(pyproject)) {
    const shown = workspaceRelative(pyproject);
    const m = readPythonManifest(parseTomlText(await readTextFile(pyproject, 4 * 1024 * 1024, shown), shown));
    if (m.name !== undefined) return { name: m.name, version: m.version };
  }
  const pkg = path.join(dir, 'package.json');
  if (existsSync(pkg)) {
    const shown = workspaceRelative(pkg);
    const doc = parseJsonText(await readTextFile(pkg, 4 * 1024 * 1024, shown), shown);
    if (isTable(doc)) return { name: str(doc['name']), version: str(doc['version']) };
  }
  return { name: undefined, version: undefined };
}
