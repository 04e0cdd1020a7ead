import { FileError } from '@spikeformer-actions/core';
import { type Finding, posInt, record, str } from './model.js';

/** ESLint `-f json`: one entry per file with messages (severity 2 error, 1 warning; fatal = parse error). */
export function parseEslint(data: unknown, file: string): Finding[] {
  if (!Array.isArray(data)) throw new FileError(file, 'is not ESLint JSON output (expected an array)');
  const out: Finding[] = [];
  data.forEach((item, i) => {
    const entry = record(item);
    const filePath = str(entry?.filePath);
    if (!entry || filePath === undefined || !Array.isArray(entry.messages))
      throw new FileError(file, `ESLint entry #${i + 1} has no filePath/messages`);
    for (const m of entry.messages) {
      const msg = record(m);
      if (!msg) continue;
      const fatal = msg.fatal === true;
      const f: Finding = {
        tool: 'eslint',
        kind: 'lint',
        level: msg.severity === 2 || fatal ? 'error' : 'warning',
        rule: str(msg.ruleId) ?? (fatal ? 'parse-error' : ''),
        file: filePath,
        message: str(msg.message) ?? '',
      };
      const line = posInt(msg.line);
      if (line !== undefined) f.line = line;
      const column = posInt(msg.column);
      if (column !== undefined) f.column = column;
      const endLine = posInt(msg.endLine);
      if (endLine !== undefined) f.endLine = endLine;
      out.push(f);
    }
  });
  return out;
}
