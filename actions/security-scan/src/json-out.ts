import type { Analysis } from './analyse.js';
import { JSON_SCHEMA_ID, JSON_VERSION, type BaselineEntry } from './baseline.js';
import type { Finding } from './model.js';
import type { FailOn } from './gate.js';
import { describeSuppression } from './suppressions.js';

export interface ReportRecord {
  file: string;
  format: string;
  toolVersion?: string;
  findings: number;
  notes: string[];
  /** The workspace directory the report's paths were read under (it was made there). */
  rerootedTo?: string;
  /** Files the report names that do not exist in the workspace (count, of how many, the first). */
  missingPaths?: { count: number; of: number; first: string };
}

export interface JsonContext {
  generatedAt: string;
  /** The commit scanned (the pull request's head on pull request events), when the event names one. */
  commit?: string;
  failOn: FailOn;
  newOnly: boolean;
  baseline?: string;
  reports: readonly ReportRecord[];
  sarif?: { file: string; runs: number; results: number; gzipBytes: number; trimmed: readonly string[] };
}

/** A rule as the JSON output lists it once (findings refer to it by index). */
export interface JsonRule {
  id: string;
  name?: string;
  helpUrl?: string;
}

interface RuleSlot {
  index: number;
  name: string | undefined;
  helpUrl: string | undefined;
  /** The last message and description seen with this rule, with their indexes: usually the next one's too. */
  message?: string;
  messageIndex: number;
  description?: string;
  descriptionIndex: number;
}

/**
 * Interns rules and messages: large results repeat both thousands of times, and writing them
 * once (findings hold indexes) is what keeps the output smaller than the reports it came from.
 * A finding's message is first compared with the last one of its rule (a plain string compare)
 * before the table is searched (hashing a long message costs more than comparing it).
 */
class Tables {
  readonly rules: JsonRule[] = [];
  readonly messages: string[] = [];
  private readonly ruleSlots = new Map<string, RuleSlot[]>();
  private readonly messageIndex = new Map<string, number>();

  slot(f: Finding): RuleSlot {
    let slots = this.ruleSlots.get(f.ruleId);
    if (!slots) this.ruleSlots.set(f.ruleId, (slots = []));
    for (const s of slots) if (s.name === f.ruleName && s.helpUrl === f.helpUrl) return s;
    const rule: JsonRule = { id: f.ruleId };
    if (f.ruleName !== undefined) rule.name = f.ruleName;
    if (f.helpUrl !== undefined) rule.helpUrl = f.helpUrl;
    const s: RuleSlot = {
      index: this.rules.length,
      name: f.ruleName,
      helpUrl: f.helpUrl,
      messageIndex: -1,
      descriptionIndex: -1,
    };
    this.rules.push(rule);
    slots.push(s);
    return s;
  }

  messageOf(s: RuleSlot, text: string): number {
    if (s.message !== text) {
      s.message = text;
      s.messageIndex = this.message(text);
    }
    return s.messageIndex;
  }

  descriptionOf(s: RuleSlot, text: string): number {
    if (s.description !== text) {
      s.description = text;
      s.descriptionIndex = this.message(text);
    }
    return s.descriptionIndex;
  }

  message(text: string): number {
    let index = this.messageIndex.get(text);
    if (index === undefined) {
      index = this.messages.length;
      this.messageIndex.set(text, index);
      this.messages.push(text);
    }
    return index;
  }
}

type Row = Record<string, unknown>;

/**
 * One finding of the output. `rule` and `description` are indexes into `rules` and `messages`;
 * `message` too, except for dependency findings (their message names the package: unique).
 * Fields at their default are left out: vulnIds and cwes when empty, occurrences when 1,
 * location.inWorkspace when true, package.fixedVersions/paths when empty.
 */
function row(f: Finding, t: Tables, state: string | undefined): Row {
  const r: Row = {};
  if (state !== undefined) r.state = state;
  r.fingerprint = f.fingerprint;
  const slot = t.slot(f);
  r.rule = slot.index;
  // A dependency message names its package and version (unique): written in place, not listed.
  r.message = f.package === undefined ? t.messageOf(slot, f.message) : f.message;
  if (f.description !== undefined) r.description = t.descriptionOf(slot, f.description);
  r.severity = f.severity;
  if (f.cvss !== undefined) r.cvss = f.cvss;
  r.category = f.category;
  r.tools = f.tools;
  r.toolSeverity = f.toolSeverity;
  if (f.vulnIds.length > 0) r.vulnIds = f.vulnIds;
  if (f.cwes.length > 0) r.cwes = f.cwes;
  const loc = f.location;
  if (loc !== undefined) {
    const l: Row = { path: loc.path };
    if (!loc.inWorkspace) l.inWorkspace = false;
    if (loc.line !== undefined) l.line = loc.line;
    if (loc.column !== undefined) l.column = loc.column;
    if (loc.endLine !== undefined) l.endLine = loc.endLine;
    if (loc.endColumn !== undefined) l.endColumn = loc.endColumn;
    r.location = l;
  }
  const p = f.package;
  if (p !== undefined) {
    const pkg: Row = { ecosystem: p.ecosystem, name: p.name, version: p.version };
    if (p.fixedVersions.length > 0) pkg.fixedVersions = p.fixedVersions;
    if (p.paths.length > 0) pkg.paths = p.paths;
    r.package = pkg;
  }
  if (f.toolFingerprint !== undefined) r.toolFingerprint = f.toolFingerprint;
  r.reports = f.reports;
  if (f.occurrences !== 1) r.occurrences = f.occurrences;
  return r;
}

// Findings are serialised one per line and handed out in chunks of about 1 MB: no huge string.
const CHUNK = 1 << 20;

function* list<T>(name: string, items: readonly T[], toRow: (item: T) => unknown, last: boolean): Generator<string> {
  let text = `"${name}":[`;
  const n = items.length;
  for (let i = 0; i < n; i++) {
    text += `${i === 0 ? '\n' : ',\n'}${JSON.stringify(toRow(items[i] as T))}`;
    if (text.length > CHUNK) {
      yield text;
      text = '';
    }
  }
  yield `${text}${n === 0 ? '' : '\n'}]${last ? '' : ','}\n`;
}

function head(analysis: Analysis, ctx: JsonContext): string {
  const h = {
    schema: JSON_SCHEMA_ID,
    version: JSON_VERSION,
    generatedAt: ctx.generatedAt,
    commit: ctx.commit ?? null,
    status: analysis.decision.status,
    gate: {
      failOn: ctx.failOn,
      newOnly: ctx.newOnly,
      reason: analysis.decision.reason,
      failing: analysis.decision.failing.length,
    },
    counts: analysis.counts,
    baseline: ctx.baseline ?? null,
    reports: ctx.reports,
    sarif: ctx.sarif ?? null,
    suppressions: {
      used: analysis.suppression.used.map((u) => ({
        entry: describeSuppression(u.entry),
        reason: u.entry.reason,
        count: u.count,
      })),
      unused: analysis.suppression.unused.map((s) => ({ entry: describeSuppression(s), reason: s.reason })),
      expired: analysis.suppression.expired.map((e) => ({
        entry: describeSuppression(e.entry),
        reason: e.entry.reason,
        expires: e.entry.expires,
        matched: e.matched,
      })),
    },
  };
  return `${JSON.stringify(h).slice(0, -1)},\n`;
}

/**
 * The findings part of the JSON output (everything after the head), as chunks of text:
 * compact, one finding per line, rules and messages listed once and referred to by index
 * (version 2). The tables come last because they fill while the findings are written.
 * Independent of the head, so it can be rendered before the SARIF figures are known.
 */
export function* renderJsonBody(analysis: Analysis): Generator<string> {
  const { state } = analysis.comparison;
  const t = new Tables();
  yield* list('findings', analysis.active, (f: Finding) => row(f, t, state.get(f.fingerprint) ?? 'new'), false);
  yield* list(
    'suppressed',
    analysis.suppression.suppressed,
    (s) => ({
      reason: s.reason,
      ...(s.entry === undefined ? {} : { entry: s.entry }),
      finding: row(s.finding, t, undefined),
    }),
    false,
  );
  yield* list('fixed', analysis.comparison.fixed, (b: BaselineEntry) => b, false);
  yield* list('rules', t.rules, (r) => r, false);
  yield* list('messages', t.messages, (m) => m, true);
  yield '}\n';
}

/** The versioned JSON output (also the next run's baseline): its head, then its body. */
export function* renderJsonChunks(analysis: Analysis, ctx: JsonContext): Generator<string> {
  yield head(analysis, ctx);
  yield* renderJsonBody(analysis);
}

/** The head (gate, counts, reports, SARIF figures, suppressions) as the first chunk of the file. */
export function renderJsonHead(analysis: Analysis, ctx: JsonContext): string {
  return head(analysis, ctx);
}

export function renderJson(analysis: Analysis, ctx: JsonContext): string {
  return [...renderJsonChunks(analysis, ctx)].join('');
}
