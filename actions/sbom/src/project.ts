import { existsSync } from 'node:fs';
import path from 'node:path';
import { FileError, parseJsonText, readTextFile, workspaceRelative, workspaceRoot } from '@spikeformer-actions/core';
import { outsideWorkspace } from './readers/index.js';
import { readPythonManifest } from './readers/pyproject.js';
import { isTable, parseTomlText, str } from './readers/structured.js';

/** A manifest in the workspace's folder `dir` may still be a link leading out of the workspace. */
function checked(file: string): string {
  const shown = workspaceRelative(file);
  const refused = outsideWorkspace(file, workspaceRoot());
  if (refused !== undefined) throw new FileError(shown, refused);
  return shown;
}

/** The project a directory holds, by its pyproject.toml (first) or package.json. */
export async function projectIdentity(dir: string): Promise<{ name: string | undefined; version: string | undefined }> {
  const pyproject = path.join(dir, 'pyproject.toml');
  if (existsSync(pyproject)) {
    const shown = checked(pyproject);
    const m = readPythonManifest(parseTomlText(await readTextFile(pyproject, 4 * 1024 * 1024, shown), shown));
    if (m.name !== undefined) return { name: m.name, version: m.version };
  }
  const pkg = path.join(dir, 'package.json');
  if (existsSync(pkg)) {
    const shown = checked(pkg);
    const doc = parseJsonText(await readTextFile(pkg, 4 * 1024 * 1024, shown), shown);
    if (isTable(doc)) return { name: str(doc['name']), version: str(doc['version']) };
  }
  return { name: undefined, version: undefined };
}
