import { FileError, parseJsonText } from '@spikeformer-actions/core';
import { parseBlack } from './black.js';
import { parseEslint } from './eslint.js';
import { type Finding, LINT_TOOLS, type LintTool, record } from './model.js';
import { parseMypy } from './mypy.js';
import { parseRuff } from './ruff.js';
import { parseSarif } from './sarif.js';
import { parseShellcheck } from './shellcheck.js';

/** `tool:path` forces a format; a bare path is detected. Windows drive letters are not tools. */
export function splitLintSpec(spec: string): { tool?: LintTool; path: string } {
  const m = /^([a-z]+):(.+)$/.exec(spec.trim());
  if (m && (LINT_TOOLS as readonly string[]).includes(m[1] as string))
    return { tool: m[1] as LintTool, path: (m[2] as string).trim() };
  return { path: spec.trim() };
}

function detectJson(data: unknown, file: string): LintTool {
  if (Array.isArray(data)) {
    const first = record(data[0]);
    if (data.length === 0) return 'ruff'; // an empty array is "no findings" for every JSON linter
    if (first && 'filePath' in first && 'messages' in first) return 'eslint';
    if (first && 'filename' in first && 'location' in first) return 'ruff';
    if (first && 'file' in first && 'level' in first && 'code' in first) return 'shellcheck';
  } else {
    const obj = record(data);
    if (obj && Array.isArray(obj.runs)) return 'sarif';
    if (obj && Array.isArray(obj.comments)) return 'shellcheck';
  }
  throw new FileError(
    file,
    'is JSON but not a lint report this action reads (ruff, ESLint, shellcheck, SARIF); force a format with tool:path',
  );
}

export function detectLintTool(text: string, file: string): LintTool {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head === '')
    throw new FileError(
      file,
      'is empty; force a format with tool:path (an empty file means no findings only for a known tool)',
    );
  if (head.startsWith('[') || head.startsWith('{')) return detectJson(parseJsonText(text, file), file);
  if (/^would reformat |^--- .+\n\+\+\+ .+\n@@ |files? would be (reformatted|left unchanged)|^All done!/m.test(head))
    return 'black';
  if (
    /^.+?:\d+(?::\d+)?: (error|note|warning): |^Found \d+ errors? in \d+ files?|^Success: no issues found/m.test(head)
  )
    return 'mypy';
  throw new FileError(
    file,
    'is not a lint report this action recognises (ruff/ESLint/shellcheck JSON, SARIF, mypy text, black --check output); force a format with tool:path',
  );
}

/** Parses one lint report; an empty file is accepted only when its tool is named. */
export function parseLint(text: string, file: string, forced?: LintTool): { tool: LintTool; findings: Finding[] } {
  if (forced && text.trim() === '') return { tool: forced, findings: [] };
  const tool = forced ?? detectLintTool(text, file);
  switch (tool) {
    case 'ruff':
      return { tool, findings: parseRuff(parseJsonText(text, file), file) };
    case 'eslint':
      return { tool, findings: parseEslint(parseJsonText(text, file), file) };
    case 'shellcheck':
      return { tool, findings: parseShellcheck(parseJsonText(text, file), file) };
    case 'sarif':
      return { tool, findings: parseSarif(parseJsonText(text, file), file) };
    case 'mypy':
      return { tool, findings: parseMypy(text, file) };
    case 'black':
      return { tool, findings: parseBlack(text) };
  }
}
