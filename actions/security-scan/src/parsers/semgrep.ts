import { uniqueCwes } from '../identifiers.js';
import { arr, obj, own, position, str, type JsonObject } from '../json-access.js';
import type { RawFinding, Severity } from '../model.js';
import { codeLocation, placePath } from '../paths.js';
import type { ParseContext, ParseResult } from './types.js';

// Semgrep CE prints ERROR/WARNING/INFO; newer rules use CRITICAL/HIGH/MEDIUM/LOW.
const SEVERITY: Record<string, Severity> = {
  CRITICAL: 'critical',
  ERROR: 'high',
  HIGH: 'high',
  WARNING: 'medium',
  MEDIUM: 'medium',
  INFO: 'low',
  LOW: 'low',
  INVENTORY: 'info',
  EXPERIMENT: 'info',
};

export function looksLikeSemgrep(doc: JsonObject): boolean {
  const first = obj(arr(doc.results)[0]);
  if (first) return typeof first.check_id === 'string';
  return Array.isArray(doc.results) && Array.isArray(doc.errors) && !('metrics' in doc) && !('generated_at' in doc);
}

function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  return nl === -1 ? text : text.slice(0, nl);
}

// Semgrep CE puts this placeholder where the platform would give the fingerprint or source.
const LOGIN_PLACEHOLDER = /requires login/i;

export function parseSemgrep(doc: JsonObject, ctx: ParseContext): ParseResult {
  const findings: RawFinding[] = [];
  for (const item of arr(doc.results)) {
    const r = obj(item);
    if (!r) continue;
    const extra = obj(r.extra) ?? {};
    const metadata = obj(extra.metadata) ?? {};
    const start = obj(r.start) ?? {};
    const end = obj(r.end) ?? {};
    const rawSeverity = (str(extra.severity) ?? 'WARNING').toUpperCase();
    const line = position(start.line);
    const column = position(start.col);
    const endLine = position(end.line);
    const endColumn = position(end.col);
    const lines = str(extra.lines);
    const fingerprint = str(extra.fingerprint);
    const cwe = metadata.cwe;
    const references = arr(metadata.references).map(str);
    const help =
      str(metadata['source-rule-url']) ?? str(metadata.shortlink) ?? references.find((u) => u?.startsWith('http'));
    findings.push({
      tool: 'semgrep',
      ruleId: str(r.check_id) ?? 'semgrep',
      category: 'sast',
      severity: own(SEVERITY, rawSeverity) ?? 'medium',
      toolSeverity: rawSeverity,
      message: (str(extra.message) ?? '').trim(),
      helpUrl: help,
      location: codeLocation(placePath(str(r.path) ?? '', ctx.root), line, column, endLine, endColumn),
      vulnIds: [],
      cwes: uniqueCwes(Array.isArray(cwe) ? cwe : [cwe]),
      snippet: lines === undefined || LOGIN_PLACEHOLDER.test(lines) ? undefined : firstLine(lines),
      toolFingerprint: fingerprint === undefined || LOGIN_PLACEHOLDER.test(fingerprint) ? undefined : fingerprint,
      suppressedBy: extra.is_ignored === true ? 'nosemgrep comment' : undefined,
      report: ctx.report,
    });
  }
  const notes = arr(doc.errors).map((e) => {
    const o = obj(e);
    const where = str(o?.path) ?? str(obj(arr(o?.spans)[0])?.file);
    return `semgrep ${str(o?.level) ?? 'error'}${where ? ` in ${where}` : ''}: ${str(o?.message) ?? str(o?.type) ?? JSON.stringify(e)}`;
  });
  const version = str(doc.version);
  return { findings, notes, ...(version === undefined ? {} : { toolVersion: `semgrep ${version}` }) };
}
