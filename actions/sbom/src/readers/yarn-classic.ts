import { FileError } from '@spikeformer-actions/core';

/**
 * The yarn v1 ("classic") lockfile syntax: entries headed by comma-separated
 * `name@range` descriptors, two-space indented fields, nested maps for dependencies.
 * Parsed by hand so that every error names its line.
 */

export interface ClassicEntry {
  descriptors: string[];
  line: number;
  fields: Map<string, string>;
  maps: Map<string, Map<string, string>>;
}

function unquote(text: string, file: string, line: number): string {
  const t = text.trim();
  if (t.startsWith('"')) {
    if (!t.endsWith('"') || t.length < 2) throw new FileError(file, `unterminated string ${t}`, { line });
    try {
      return JSON.parse(t) as string;
    } catch {
      throw new FileError(file, `invalid string ${t}`, { line });
    }
  }
  return t;
}

/** Splits `key value` where either may be quoted. */
function keyValue(text: string, file: string, line: number): [string, string] {
  const t = text.trim();
  let keyEnd: number;
  if (t.startsWith('"')) {
    keyEnd = t.indexOf('"', 1);
    while (keyEnd > 0 && t[keyEnd - 1] === '\\') keyEnd = t.indexOf('"', keyEnd + 1);
    if (keyEnd < 0) throw new FileError(file, 'unterminated key', { line });
    keyEnd += 1;
  } else {
    keyEnd = t.search(/\s/);
    if (keyEnd < 0) keyEnd = t.length;
  }
  return [unquote(t.slice(0, keyEnd), file, line), unquote(t.slice(keyEnd), file, line)];
}

export function parseClassicLock(text: string, file: string): ClassicEntry[] {
  const entries: ClassicEntry[] = [];
  let current: ClassicEntry | undefined;
  let currentMap: Map<string, string> | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const line = i + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const indent = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (indent === 0) {
      if (!body.endsWith(':'))
        throw new FileError(file, `expected an entry header ending in ':', got ${JSON.stringify(body.slice(0, 80))}`, {
          line,
        });
      const descriptors = body
        .slice(0, -1)
        .split(/,\s*/)
        .map((d) => unquote(d, file, line))
        .filter((d) => d !== '');
      if (descriptors.length === 0) throw new FileError(file, 'entry header without descriptors', { line });
      current = { descriptors, line, fields: new Map(), maps: new Map() };
      currentMap = undefined;
      entries.push(current);
      continue;
    }
    if (!current) throw new FileError(file, 'indented line outside an entry', { line });
    if (indent === 2) {
      if (body.endsWith(':')) {
        currentMap = new Map();
        current.maps.set(unquote(body.slice(0, -1), file, line), currentMap);
        continue;
      }
      currentMap = undefined;
      const [key, value] = keyValue(body, file, line);
      current.fields.set(key, value);
      continue;
    }
    if (indent === 4 && currentMap) {
      const [key, value] = keyValue(body, file, line);
      currentMap.set(key, value);
      continue;
    }
    throw new FileError(file, `unexpected indentation (${indent} spaces)`, { line });
  }
  return entries;
}
