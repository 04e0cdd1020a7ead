import { createGzip, gzipSync } from 'node:zlib';
import { compareFindings, compareText, nominalCvss, type Finding, type Severity } from './model.js';
import { own } from './json-access.js';
import { ruleText } from './rule-text.js';

/**
 * The merged SARIF 2.1.0 log for GitHub code scanning: one run per tool with a distinct
 * automationDetails.id (GitHub refuses several runs with one category), partialFingerprints on
 * every result, security-severity on every rule, and GitHub's upload limits kept: at most
 * 20 runs, 25,000 results per run (the most severe kept), 10 tags per rule, 10 MB gzipped.
 * Every cut is listed in `trimmed`.
 */

export const SARIF_LIMITS = {
  runs: 20,
  resultsPerRun: 25_000,
  tagsPerRule: 10,
  gzipBytes: 10 * 1024 * 1024,
  messageChars: 4000,
};

/** A rule's help may be a page of Markdown (CodeQL's are); longer is cut. */
const HELP_CHARS = 16_000;

export interface SarifEntry {
  finding: Finding;
  state?: 'new' | 'existing';
  suppression?: string;
}

export interface SarifOptions {
  toolVersion: string;
  limits?: Partial<typeof SARIF_LIMITS>;
}

export interface SarifBuild {
  /** The log as written (UTF-8), in pieces: one copy of the whole log is never made. */
  chunks: Buffer[];
  /** The same as text (joined and decoded on demand). */
  readonly text: string;
  runs: number;
  results: number;
  gzipBytes: number;
  trimmed: string[];
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const LEVEL: Record<Severity, string> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

function uri(path: string): string {
  // Most paths need no escaping; the rest are encoded per segment.
  return /^[A-Za-z0-9._~/-]*$/.test(path)
    ? path
    : path
        .split('/')
        .map((s) => encodeURIComponent(s))
        .join('/');
}

function httpUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

const BLANK = /^\s*$/;

function clip(text: string, max: number): string {
  // The blank test stops at the first non-space character: cheap for long messages.
  if (BLANK.test(text)) return '(no message)';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Where a result points: its code location, else the package's manifest, else the report it came from. */
function locationOf(f: Finding): { path: string; line: number; column?: number; endLine?: number; endColumn?: number } {
  const loc = f.location;
  if (loc?.inWorkspace) {
    const out: { path: string; line: number; column?: number; endLine?: number; endColumn?: number } = {
      path: loc.path,
      line: loc.line ?? 1,
    };
    if (loc.column !== undefined) out.column = loc.column;
    if (loc.endLine !== undefined && loc.endLine >= out.line) out.endLine = loc.endLine;
    if (
      loc.endColumn !== undefined &&
      loc.column !== undefined &&
      (out.endLine === undefined || out.endLine === out.line ? loc.endColumn > loc.column : true)
    )
      out.endColumn = loc.endColumn;
    return out;
  }
  const manifest = f.package?.paths.find((p) => !p.startsWith('/') && !/[\s:()]/.test(p) && !p.startsWith('..'));
  return { path: manifest ?? f.reports[0] ?? 'security-scan', line: 1 };
}

function ruleTags(f: Finding): string[] {
  const tags = ['security', f.category, ...f.cwes.map((c) => `external/cwe/${c.toLowerCase()}`)];
  return [...new Set(tags)];
}

interface RunPlan {
  tool: string;
  tools: string[];
  entries: SarifEntry[];
}

function planRuns(entries: readonly SarifEntry[], limits: typeof SARIF_LIMITS, trimmed: string[]): RunPlan[] {
  const byTool = new Map<string, SarifEntry[]>();
  for (const e of entries) {
    const tool = e.finding.tools[0] ?? 'unknown';
    const list = byTool.get(tool);
    if (list) list.push(e);
    else byTool.set(tool, [e]);
  }
  const plans = [...byTool]
    .map(([tool, list]) => ({ tool, tools: [tool], entries: list }))
    .sort((a, b) => compareText(a.tool, b.tool));
  if (plans.length <= limits.runs) return plans;
  // Too many tools for one upload: the largest keep their own run, the rest share one.
  const bySize = [...plans].sort((a, b) => b.entries.length - a.entries.length || compareText(a.tool, b.tool));
  const kept = bySize.slice(0, limits.runs - 1);
  const rest = bySize.slice(limits.runs - 1);
  const shared: RunPlan = {
    tool: 'security-scan-other-tools',
    tools: rest.map((p) => p.tool).sort(),
    entries: rest.flatMap((p) => p.entries),
  };
  trimmed.push(
    `${plans.length} tools exceed GitHub's ${limits.runs} runs per upload: ${shared.tools.join(', ')} share one run (category security-scan/other-tools/)`,
  );
  return [...kept.sort((a, b) => compareText(a.tool, b.tool)), shared];
}

/**
 * One run as JSON text pieces (head, results, tail). Each result is serialised as soon as it is
 * built, so a large run never holds its results as a live object tree.
 */
function buildRun(plan: RunPlan, options: SarifOptions, limits: typeof SARIF_LIMITS): string[] {
  const rules: Json[] = [];
  const ruleIndex = new Map<string, number>();
  const ruleScore = new Map<string, number>();
  for (const e of plan.entries) {
    const f = e.finding;
    const score = f.cvss ?? nominalCvss(f.severity);
    const known = ruleScore.get(f.ruleId);
    if (known === undefined || score > known) ruleScore.set(f.ruleId, score);
  }
  const results = new Array<string>(plan.entries.length);
  let n = 0;
  for (const e of plan.entries) {
    const f = e.finding;
    let index = ruleIndex.get(f.ruleId);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(f.ruleId, index);
      const text = ruleText(f);
      const help = httpUrl(text.helpUri);
      // The advisory text is the rule's (once per rule); results say which package.
      const rule: { [key: string]: Json } = {
        id: f.ruleId,
        shortDescription: { text: clip(f.ruleName ?? f.ruleId, 1000) },
        fullDescription: { text: clip(text.fullDescription, limits.messageChars) },
        help: { text: clip(text.help, HELP_CHARS) },
      };
      if (help !== undefined) rule.helpUri = help;
      rule.properties = {
        tags: ruleTags(f).slice(0, limits.tagsPerRule),
        'security-severity': (ruleScore.get(f.ruleId) ?? 0).toFixed(1),
      };
      rules.push(rule);
    }
    const at = locationOf(f);
    const region: Record<string, Json> = { startLine: at.line };
    if (at.column !== undefined) region.startColumn = at.column;
    if (at.endLine !== undefined) region.endLine = at.endLine;
    if (at.endColumn !== undefined) region.endColumn = at.endColumn;
    const props: Record<string, Json> = { tools: f.tools, severity: f.severity, category: f.category };
    if (f.vulnIds.length > 0) props.vulnerabilityIds = f.vulnIds;
    if (f.package)
      props.package = {
        ecosystem: f.package.ecosystem,
        name: f.package.name,
        version: f.package.version,
        fixedVersions: f.package.fixedVersions,
      };
    if (f.location && !f.location.inWorkspace) props.reportedPath = f.location.path;
    const partial: Record<string, Json> = { 'securityScanFingerprint/v1': f.fingerprint };
    if (f.toolFingerprint !== undefined && /^[0-9a-f]{16}:\d+$/.test(f.toolFingerprint))
      partial.primaryLocationLineHash = f.toolFingerprint;
    const result: Record<string, Json> = {
      ruleId: f.ruleId,
      ruleIndex: index,
      level: LEVEL[f.severity],
      message: { text: clip(f.message, limits.messageChars) },
      locations: [{ physicalLocation: { artifactLocation: { uri: uri(at.path), uriBaseId: '%SRCROOT%' }, region } }],
      partialFingerprints: partial,
    };
    if (e.state !== undefined) result.baselineState = e.state === 'new' ? 'new' : 'unchanged';
    if (e.suppression !== undefined)
      result.suppressions = [{ kind: 'external', justification: clip(e.suppression, 1000) }];
    result.properties = props;
    results[n++] = JSON.stringify(result);
  }
  const category = plan.tool.replace(/[^A-Za-z0-9._-]/g, '-');
  const head = JSON.stringify({
    tool: {
      driver: {
        name: plan.tool,
        ...(own(TOOL_HOMES, plan.tool) === undefined ? {} : { informationUri: own(TOOL_HOMES, plan.tool) }),
        semanticVersion: options.toolVersion,
        rules,
        properties: { mergedBy: 'security-scan', tools: plan.tools },
      },
    },
    automationDetails: { id: `security-scan/${category}/` },
    columnKind: 'unicodeCodePoints',
  });
  return [`${head.slice(0, -1)},"results":[`, results.join(','), ']}'];
}

/** Where each known scanner is documented (SARIF's informationUri, which GitHub's rules ask of every tool). */
const TOOL_HOMES: Readonly<Record<string, string>> = {
  bandit: 'https://github.com/PyCQA/bandit',
  codeql: 'https://codeql.github.com',
  eslint: 'https://eslint.org',
  grype: 'https://github.com/anchore/grype',
  'npm-audit': 'https://docs.npmjs.com/cli/commands/npm-audit',
  'pip-audit': 'https://github.com/pypa/pip-audit',
  ruff: 'https://github.com/astral-sh/ruff',
  safety: 'https://github.com/pyupio/safety',
  semgrep: 'https://semgrep.dev',
  trivy: 'https://github.com/aquasecurity/trivy',
};

/** GitHub's gzip limit is on the uploaded bytes: level 1 gives an upper estimate of what the upload compresses to. */
export function gzipSizeSync(chunks: readonly Buffer[]): number {
  return gzipSync(Buffer.concat(chunks), { level: 1 }).length;
}

/** The same, compressed in libuv's thread pool, so the main thread can work meanwhile. */
export function gzipSizeAsync(chunks: readonly Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const z = createGzip({ level: 1, chunkSize: 1 << 20 });
    let size = 0;
    z.on('data', (out: Buffer) => {
      size += out.length;
    });
    z.on('end', () => resolve(size));
    z.on('error', reject);
    for (const c of chunks) z.write(c);
    z.end();
  });
}

/**
 * The SARIF log in rounds: the first keeps GitHub's run and per-run limits (the most severe
 * results kept); when the gzipped size is over the limit, every run is shrunk by the overshoot.
 */
class SarifPlan {
  readonly trimmed: string[] = [];
  private plans: RunPlan[];
  private readonly before: number;
  private readonly limits: typeof SARIF_LIMITS;
  private readonly options: SarifOptions;

  constructor(entries: readonly SarifEntry[], options: SarifOptions) {
    this.options = options;
    this.limits = { ...SARIF_LIMITS, ...options.limits };
    const limits = this.limits;
    // Callers pass active findings sorted (most severe first): TimSort then only confirms the order.
    const ordered = [...entries].sort((a, b) => compareFindings(a.finding, b.finding));
    this.plans = planRuns(ordered, limits, this.trimmed).map((p) => {
      if (p.entries.length <= limits.resultsPerRun) return p;
      const dropped = p.entries.length - limits.resultsPerRun;
      const least = p.entries[limits.resultsPerRun]?.finding.severity ?? 'info';
      this.trimmed.push(
        `run ${p.tool}: ${p.entries.length} results exceed GitHub's ${limits.resultsPerRun} per run; kept the ${limits.resultsPerRun} most severe, dropped ${dropped} (from ${least} down)`,
      );
      return { ...p, entries: p.entries.slice(0, limits.resultsPerRun) };
    });
    this.before = this.results();
  }

  results(): number {
    return this.plans.reduce((n, p) => n + p.entries.length, 0);
  }

  render(): Buffer[] {
    // Encoded piece by piece: one concatenated string of the whole log would be flattened (copied) first.
    const parts: Buffer[] = [
      Buffer.from('{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":['),
    ];
    this.plans.forEach((p, i) => {
      if (i > 0) parts.push(Buffer.from(','));
      for (const piece of buildRun(p, this.options, this.limits)) parts.push(Buffer.from(piece));
    });
    parts.push(Buffer.from(']}'));
    return parts;
  }

  /** False when the size is within the limit (or shrinking gives up); else shrinks for the next render. */
  shrink(gzipBytes: number, round: number): boolean {
    if (gzipBytes <= this.limits.gzipBytes || round >= 20) return false;
    // Shrink every run by the overshoot ratio (plus a margin), least severe first.
    const keepRatio = Math.max(0.05, (this.limits.gzipBytes / gzipBytes) * 0.9);
    this.plans = this.plans.map((p) => ({
      ...p,
      entries: p.entries.slice(0, Math.floor(p.entries.length * keepRatio)),
    }));
    return true;
  }

  finish(chunks: Buffer[], gzipBytes: number): SarifBuild {
    const results = this.results();
    if (results < this.before) {
      this.trimmed.push(
        `the log exceeded GitHub's ${(this.limits.gzipBytes / 1024 / 1024).toFixed(0)} MB gzipped limit: kept the ${results} most severe of ${this.before} results per run`,
      );
    }
    return {
      chunks,
      get text() {
        return Buffer.concat(chunks).toString('utf8');
      },
      runs: this.plans.length,
      results,
      gzipBytes,
      trimmed: this.trimmed,
    };
  }
}

export function buildSarif(entries: readonly SarifEntry[], options: SarifOptions): SarifBuild {
  const plan = new SarifPlan(entries, options);
  let chunks = plan.render();
  let size = gzipSizeSync(chunks);
  for (let round = 0; plan.shrink(size, round); round++) {
    chunks = plan.render();
    size = gzipSizeSync(chunks);
  }
  return plan.finish(chunks, size);
}

/** buildSarif with the gzip check off the main thread: `whileCompressing` runs meanwhile. */
export async function buildSarifAsync(
  entries: readonly SarifEntry[],
  options: SarifOptions,
  whileCompressing: () => void,
): Promise<SarifBuild> {
  const plan = new SarifPlan(entries, options);
  let chunks = plan.render();
  const pending = gzipSizeAsync(chunks);
  // Never an unhandled rejection while the callback runs; awaited right after.
  pending.catch(() => undefined);
  whileCompressing();
  let size = await pending;
  for (let round = 0; plan.shrink(size, round); round++) {
    chunks = plan.render();
    size = await gzipSizeAsync(chunks);
  }
  return plan.finish(chunks, size);
}
