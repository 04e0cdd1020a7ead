import { gzipSync } from 'node:zlib';
import { compareFindings, compareText, nominalCvss, type Finding, type Severity } from './model.js';

/**
 * The merged SARIF 2.1.0 log for GitHub code scanning: one run per tool with a distinct
 * automationDetails.id (GitHub refuses several runs with one category), partialFingerprints on
 * every result, security-severity on every rule, and GitHub's upload limits kept: at most
 * 20 runs, 25,000 results per run (the most severe kept), 10 tags per rule, 10 MB gzipped.
 * Every cut is listed in `trimmed`.
 */

export const SARIF_LIMITS = { runs: 20, resultsPerRun: 25_000, tagsPerRule: 10, gzipBytes: 10 * 1024 * 1024, messageChars: 4000 };

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
  text: string;
  runs: number;
  results: number;
  gzipBytes: number;
  trimmed: string[];
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const LEVEL: Record<Severity, string> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

function uri(path: string): string {
  // Most paths need no escaping; the rest are encoded per segment.
  return /^[A-Za-z0-9._~/-]*$/.test(path) ? path : path.split('/').map((s) => encodeURIComponent(s)).join('/');
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

function clip(text: string, max: number): string {
  const t = text.trim() === '' ? '(no message)' : text;
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** Where a result points: its code location, else the package's manifest, else the report it came from. */
function locationOf(f: Finding): { path: string; line: number; column?: number; endLine?: number; endColumn?: number } {
  const loc = f.location;
  if (loc?.inWorkspace) {
    const out: { path: string; line: number; column?: number; endLine?: number; endColumn?: number } = { path: loc.path, line: loc.line ?? 1 };
    if (loc.column !== undefined) out.column = loc.column;
    if (loc.endLine !== undefined && loc.endLine >= out.line) out.endLine = loc.endLine;
    if (loc.endColumn !== undefined && loc.column !== undefined && (out.endLine === undefined || out.endLine === out.line ? loc.endColumn > loc.column : true)) out.endColumn = loc.endColumn;
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
  const plans = [...byTool].map(([tool, list]) => ({ tool, tools: [tool], entries: list })).sort((a, b) => compareText(a.tool, b.tool));
  if (plans.length <= limits.runs) return plans;
  // Too many tools for one upload: the largest keep their own run, the rest share one.
  const bySize = [...plans].sort((a, b) => b.entries.length - a.entries.length || compareText(a.tool, b.tool));
  const kept = bySize.slice(0, limits.runs - 1);
  const rest = bySize.slice(limits.runs - 1);
  const shared: RunPlan = { tool: 'security-scan-other-tools', tools: rest.map((p) => p.tool).sort(), entries: rest.flatMap((p) => p.entries) };
  trimmed.push(`${plans.length} tools exceed GitHub's ${limits.runs} runs per upload: ${shared.tools.join(', ')} share one run (category security-scan/other-tools/)`);
  return [...kept.sort((a, b) => compareText(a.tool, b.tool)), shared];
}

/**
 * One run as JSON text. Each result is serialised as soon as it is built, so a large run never
 * holds its results as a live object tree (which made the garbage collector the main cost).
 */
function buildRun(plan: RunPlan, options: SarifOptions, limits: typeof SARIF_LIMITS): string {
  const rules: Json[] = [];
  const ruleIndex = new Map<string, number>();
  const ruleScore = new Map<string, number>();
  for (const e of plan.entries) {
    const f = e.finding;
    const score = f.cvss ?? nominalCvss(f.severity);
    ruleScore.set(f.ruleId, Math.max(ruleScore.get(f.ruleId) ?? 0, score));
  }
  const results: string[] = [];
  for (const e of plan.entries) {
    const f = e.finding;
    let index = ruleIndex.get(f.ruleId);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(f.ruleId, index);
      const help = httpUrl(f.helpUrl);
      rules.push({
        id: f.ruleId,
        shortDescription: { text: clip(f.ruleName ?? f.ruleId, 1000) },
        ...(help === undefined ? {} : { helpUri: help }),
        properties: {
          tags: ruleTags(f).slice(0, limits.tagsPerRule),
          'security-severity': (ruleScore.get(f.ruleId) ?? 0).toFixed(1),
        },
      });
    }
    const at = locationOf(f);
    const region: Record<string, Json> = { startLine: at.line };
    if (at.column !== undefined) region.startColumn = at.column;
    if (at.endLine !== undefined) region.endLine = at.endLine;
    if (at.endColumn !== undefined) region.endColumn = at.endColumn;
    const props: Record<string, Json> = { tools: f.tools, severity: f.severity, category: f.category };
    if (f.vulnIds.length > 0) props.vulnerabilityIds = f.vulnIds;
    if (f.package) props.package = { ecosystem: f.package.ecosystem, name: f.package.name, version: f.package.version, fixedVersions: f.package.fixedVersions };
    if (f.location && !f.location.inWorkspace) props.reportedPath = f.location.path;
    const partial: Record<string, Json> = { 'securityScanFingerprint/v1': f.fingerprint };
    if (f.toolFingerprint !== undefined && /^[0-9a-f]{16}:\d+$/.test(f.toolFingerprint)) partial.primaryLocationLineHash = f.toolFingerprint;
    results.push(JSON.stringify({
      ruleId: f.ruleId,
      ruleIndex: index,
      level: LEVEL[f.severity],
      message: { text: clip(f.message, limits.messageChars) },
      locations: [{ physicalLocation: { artifactLocation: { uri: uri(at.path), uriBaseId: '%SRCROOT%' }, region } }],
      partialFingerprints: partial,
      ...(e.state === undefined ? {} : { baselineState: e.state === 'new' ? 'new' : 'unchanged' }),
      ...(e.suppression === undefined ? {} : { suppressions: [{ kind: 'external', justification: clip(e.suppression, 1000) }] }),
      properties: props,
    }));
  }
  const category = plan.tool.replace(/[^A-Za-z0-9._-]/g, '-');
  const head = JSON.stringify({
    tool: {
      driver: {
        name: plan.tool,
        semanticVersion: options.toolVersion,
        rules,
        properties: { mergedBy: 'security-scan', tools: plan.tools },
      },
    },
    automationDetails: { id: `security-scan/${category}/` },
    columnKind: 'unicodeCodePoints',
  });
  return `${head.slice(0, -1)},"results":[${results.join(',')}]}`;
}

function gzipSize(text: string): number {
  // Anything under the limit before compression is under it after; only large logs are compressed (fast level: an upper estimate).
  const bytes = Buffer.byteLength(text);
  return bytes <= SARIF_LIMITS.gzipBytes ? Math.min(bytes, gzipSync(text, { level: 1 }).length) : gzipSync(text, { level: 1 }).length;
}

export function buildSarif(entries: readonly SarifEntry[], options: SarifOptions): SarifBuild {
  const limits = { ...SARIF_LIMITS, ...options.limits };
  const trimmed: string[] = [];
  const ordered = [...entries].sort((a, b) => compareFindings(a.finding, b.finding));
  let plans = planRuns(ordered, limits, trimmed);
  plans = plans.map((p) => {
    if (p.entries.length <= limits.resultsPerRun) return p;
    const dropped = p.entries.slice(limits.resultsPerRun);
    const least = dropped[0]?.finding.severity ?? 'info';
    trimmed.push(`run ${p.tool}: ${p.entries.length} results exceed GitHub's ${limits.resultsPerRun} per run; kept the ${limits.resultsPerRun} most severe, dropped ${dropped.length} (from ${least} down)`);
    return { ...p, entries: p.entries.slice(0, limits.resultsPerRun) };
  });
  const render = (runPlans: RunPlan[]): string =>
    `{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[${runPlans.map((p) => buildRun(p, options, limits)).join(',')}]}`;
  let text = render(plans);
  let size = gzipSize(text);
  const before = plans.reduce((n, p) => n + p.entries.length, 0);
  for (let round = 0; size > limits.gzipBytes && round < 20; round++) {
    // Shrink every run by the overshoot ratio (plus a margin), least severe first.
    const keepRatio = Math.max(0.05, (limits.gzipBytes / size) * 0.9);
    plans = plans.map((p) => ({ ...p, entries: p.entries.slice(0, Math.floor(p.entries.length * keepRatio)) }));
    text = render(plans);
    size = gzipSize(text);
  }
  const results = plans.reduce((n, p) => n + p.entries.length, 0);
  if (results < before) {
    trimmed.push(`the log exceeded GitHub's ${(limits.gzipBytes / 1024 / 1024).toFixed(0)} MB gzipped limit: kept the ${results} most severe of ${before} results per run`);
  }
  return { text, runs: plans.length, results, gzipBytes: size, trimmed };
}
