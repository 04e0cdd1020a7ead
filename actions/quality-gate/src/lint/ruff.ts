import { FileError } from '@spikeformer-actions/core';
import { type Finding, posInt, record, str } from './model.js';

/** ruff `--output-format json`: an array of diagnostics; code null means a syntax error. */
export function parseRuff(data: unknown, file: string): Finding[] {
  if (!Array.isArray(data)) throw new FileError(file, 'is not ruff JSON output (expected an array)');
  return data.map((item, i) => {
    const d = record(item);
    const filename = str(d?.filename);
    const location = record(d?.location);
    if (!d || filename === undefined || !location)
      throw new FileError(file, `ruff diagnostic #${i + 1} has no filename/location`);
    const code = str(d.code) ?? '';
    const f: Finding = {
      tool: 'ruff',
      kind: 'lint',
      level: 'error',
      rule: code === '' ? 'syntax-error' : code,
      file: filename,
      message: str(d.message) ?? '',
    };
    const line = posInt(location.row);
    if (line !== undefined) f.line = line;
    const column = posInt(location.column);
    if (column !== undefined) f.column = column;
    const endLine = posInt(record(d.end_location)?.row);
    if (endLine !== undefined) f.endLine = endLine;
    return f;
  });
}
