import { FileError } from '@spikeformer-actions/core';
import type { Finding } from './model.js';

const LINE = /^(.+?):(\d+)(?::(\d+))?(?::\d+:\d+)?: (error|warning|note): (.*?)(?:\s\s\[([\w-]+)\])?$/;
const SUMMARY = /^(Found \d+ errors? in \d+ files?|Success: no issues found)/;

/**
 * mypy text output (`path:line[:col]: error: message  [code]`). A `note:` line right after
 * an error at the same place belongs to it and is appended; free-standing notes are dropped.
 */
export function parseMypy(text: string, file: string): Finding[] {
  const out: Finding[] = [];
  let last: Finding | undefined;
  let recognised = 0;
  const lines = text.split(/\r?\n/);
  for (const raw of lines) {
    if (raw.trim() === '') continue;
    if (SUMMARY.test(raw)) {
      recognised++;
      continue;
    }
    const m = LINE.exec(raw);
    if (!m) continue;
    recognised++;
    const [, path, line, column, severity, message, code] = m;
    if (severity === 'note') {
      if (last && last.file === path && last.line === Number(line)) last.message += `\n${message ?? ''}`;
      continue;
    }
    last = {
      tool: 'mypy',
      kind: 'type',
      level: severity === 'error' ? 'error' : 'warning',
      rule: code ?? '',
      file: path as string,
      line: Number(line),
      message: message ?? '',
    };
    if (column !== undefined) last.column = Number(column);
    out.push(last);
  }
  if (recognised === 0 && text.trim() !== '')
    throw new FileError(file, 'is not mypy output (no "path:line: error:" lines and no summary)');
  return out;
}
