import { uniqueCwes } from '../identifiers.js';
import { arr, obj, own, position, str, type JsonObject } from '../json-access.js';
import type { RawFinding, Severity } from '../model.js';
import { codeLocation, placePath } from '../paths.js';
import type { ParseContext, ParseResult } from './types.js';

const SEVERITY: Record<string, Severity> = { HIGH: 'high', MEDIUM: 'medium', LOW: 'low', UNDEFINED: 'info' };

export function looksLikeBandit(doc: JsonObject): boolean {
  const first = obj(arr(doc.results)[0]);
  if (first) return typeof first.test_id === 'string';
  return Array.isArray(doc.results) && obj(doc.metrics) !== undefined && 'generated_at' in doc;
}

/** The source line `line` out of bandit's `code` ("99     import pickle\n…"). */
export function banditLine(code: string | undefined, line: number | undefined): string | undefined {
  if (code === undefined || line === undefined) return undefined;
  // Scanned in place (no split of the whole excerpt): rows are "<number><space?><text>".
  const number = String(line);
  for (let start = 0; start < code.length;) {
    const end = code.indexOf('\n', start);
    const stop = end === -1 ? code.length : end;
    if (code.startsWith(number, start)) {
      const after = start + number.length;
      const c = code.charCodeAt(after);
      // The number must end here (not be the prefix of a longer one).
      if (after >= stop || c < 48 || c > 57) {
        const textStart = after < stop && /\s/.test(code[after] ?? '') ? after + 1 : after;
        return code.slice(textStart, stop);
      }
    }
    if (end === -1) break;
    start = end + 1;
  }
  return undefined;
}

export function parseBandit(doc: JsonObject, ctx: ParseContext): ParseResult {
  const findings: RawFinding[] = [];
  for (const item of arr(doc.results)) {
    const r = obj(item);
    if (!r) continue;
    const rawSeverity = (str(r.issue_severity) ?? 'UNDEFINED').toUpperCase();
    const line = position(r.line_number);
    const range = arr(r.line_range)
      .map(position)
      .filter((n): n is number => n !== undefined);
    const placed = placePath(str(r.filename) ?? '', ctx.root);
    const column = position(typeof r.col_offset === 'number' ? r.col_offset + 1 : undefined);
    const endColumn = position(typeof r.end_col_offset === 'number' ? r.end_col_offset + 1 : undefined);
    const cwe = obj(r.issue_cwe);
    const snippet = banditLine(str(r.code), line);
    const confidence = str(r.issue_confidence);
    findings.push({
      tool: 'bandit',
      ruleId: str(r.test_id) ?? 'bandit',
      ruleName: str(r.test_name),
      category: 'sast',
      severity: own(SEVERITY, rawSeverity) ?? 'info',
      toolSeverity: confidence === undefined ? rawSeverity : `${rawSeverity} (confidence ${confidence})`,
      message: str(r.issue_text) ?? '',
      helpUrl: str(r.more_info),
      location: codeLocation(placed, line, column, range.length > 1 ? Math.max(...range) : undefined, endColumn),
      vulnIds: [],
      cwes: uniqueCwes([cwe?.id]),
      snippet,
      report: ctx.report,
    });
  }
  const notes = arr(doc.errors).map((e) => {
    const o = obj(e);
    return `bandit could not scan ${str(o?.filename) ?? '?'}: ${str(o?.reason) ?? JSON.stringify(e)}`;
  });
  return { findings, notes };
}
