import { FileError } from '@spikeformer-actions/core';
import { type Finding, type FindingLevel, posInt, record, str } from './model.js';

const LEVELS: Record<string, FindingLevel> = { error: 'error', warning: 'warning', info: 'note', style: 'note' };

/** shellcheck `-f json` (an array) or `-f json1` ({comments: [...]}). */
export function parseShellcheck(data: unknown, file: string): Finding[] {
  const list = Array.isArray(data) ? data : record(data)?.comments;
  if (!Array.isArray(list))
    throw new FileError(file, 'is not shellcheck JSON output (expected an array or {"comments": [...]})');
  return list.map((item, i) => {
    const c = record(item);
    const path = str(c?.file);
    if (!c || path === undefined) throw new FileError(file, `shellcheck comment #${i + 1} has no file`);
    const code = c.code;
    const f: Finding = {
      tool: 'shellcheck',
      kind: 'lint',
      level: LEVELS[str(c.level) ?? ''] ?? 'warning',
      rule: typeof code === 'number' ? `SC${code}` : (str(code) ?? ''),
      file: path,
      message: str(c.message) ?? '',
    };
    const line = posInt(c.line);
    if (line !== undefined) f.line = line;
    const endLine = posInt(c.endLine);
    if (endLine !== undefined) f.endLine = endLine;
    const column = posInt(c.column);
    if (column !== undefined) f.column = column;
    return f;
  });
}
