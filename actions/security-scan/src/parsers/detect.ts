import { FileError } from '@spikeformer-actions/core';
import { isObject, type JsonObject } from '../json-access.js';
import type { ReportFormat } from '../model.js';
import { looksLikeBandit, parseBandit } from './bandit.js';
import { looksLikeGrype, parseGrype } from './grype.js';
import { looksLikeNpmAudit6, looksLikeNpmAudit7, parseNpmAudit6, parseNpmAudit7 } from './npm-audit.js';
import { looksLikePipAudit, parsePipAudit } from './pip-audit.js';
import { looksLikeSafetyV2, looksLikeSafetyV3, parseSafetyV2, parseSafetyV3 } from './safety.js';
import { looksLikeSarif, parseSarif } from './sarif.js';
import { looksLikeSemgrep, parseSemgrep } from './semgrep.js';
import { looksLikeTrivy, parseTrivy } from './trivy.js';
import type { ParseContext, ParseResult } from './types.js';

/** A concrete shape of a report: a format plus its variant. */
export type ReportShape =
  | 'bandit'
  | 'semgrep'
  | 'safety-2'
  | 'safety-3'
  | 'pip-audit'
  | 'trivy'
  | 'grype'
  | 'npm-audit-7'
  | 'npm-audit-6'
  | 'sarif';

const FORMAT_OF: Record<ReportShape, ReportFormat> = {
  bandit: 'bandit',
  semgrep: 'semgrep',
  'safety-2': 'safety',
  'safety-3': 'safety',
  'pip-audit': 'pip-audit',
  trivy: 'trivy',
  grype: 'grype',
  'npm-audit-7': 'npm-audit',
  'npm-audit-6': 'npm-audit',
  sarif: 'sarif',
};

const DESCRIPTION: Record<ReportShape, string> = {
  bandit: 'bandit JSON (results[] with test_id)',
  semgrep: 'semgrep JSON (results[] with check_id)',
  'safety-2': 'safety 2.x JSON (report_meta, vulnerabilities[])',
  'safety-3': 'safety 3.x scan JSON (meta.schema_version 3.x, scan_results)',
  'pip-audit': 'pip-audit JSON (dependencies[] with vulns[])',
  trivy: 'trivy JSON (SchemaVersion, Results[])',
  grype: 'grype JSON (matches[], descriptor)',
  'npm-audit-7': 'npm audit JSON of npm 7+ (auditReportVersion 2, vulnerabilities{})',
  'npm-audit-6': 'npm audit JSON of npm 6 (advisories{}, metadata)',
  sarif: 'SARIF 2.1.0 (version, runs[])',
};

// Order matters only where shapes could overlap: the most specific checks first.
const CHECKS: Array<[ReportShape, (doc: JsonObject) => boolean]> = [
  ['sarif', looksLikeSarif],
  ['trivy', looksLikeTrivy],
  ['grype', looksLikeGrype],
  ['npm-audit-7', looksLikeNpmAudit7],
  ['npm-audit-6', looksLikeNpmAudit6],
  ['safety-3', looksLikeSafetyV3],
  ['safety-2', looksLikeSafetyV2],
  ['bandit', looksLikeBandit],
  ['semgrep', looksLikeSemgrep],
  ['pip-audit', looksLikePipAudit],
];

/** The shape of a parsed report, from its content alone; undefined when it is none we know. */
export function detectShape(doc: unknown): ReportShape | undefined {
  if (Array.isArray(doc)) return looksLikePipAudit(doc) ? 'pip-audit' : undefined;
  if (!isObject(doc)) return undefined;
  return CHECKS.find(([, check]) => check(doc))?.[0];
}

export function formatOf(shape: ReportShape): ReportFormat {
  return FORMAT_OF[shape];
}

const KNOWN =
  'bandit, semgrep, safety (2.x check, 3.x scan), pip-audit, trivy, grype, npm audit (npm 6, npm 7+) JSON, or SARIF 2.1.0';

/**
 * Detects (or, with `forced`, checks) a report's format and parses it. An unknown format, or
 * a report that is not what `tool:path` said, is a FileError naming the file.
 */
export function parseReport(
  doc: unknown,
  ctx: ParseContext,
  forced?: ReportFormat,
): ParseResult & { shape: ReportShape } {
  const shape = detectShape(doc);
  if (shape === undefined) {
    if (forced === 'pip-audit' && Array.isArray(doc) && doc.length === 0)
      return { findings: [], notes: [], shape: 'pip-audit' };
    const what =
      forced === undefined
        ? `is not a report format this action reads (expected ${KNOWN})`
        : `is not a ${forced} report, nor any format this action reads (expected ${KNOWN})`;
    throw new FileError(ctx.report, what);
  }
  if (forced !== undefined && FORMAT_OF[shape] !== forced) {
    throw new FileError(ctx.report, `was given as '${forced}:' but its content is ${DESCRIPTION[shape]}`);
  }
  return { ...parseShape(shape, doc, ctx), shape };
}

function parseShape(shape: ReportShape, doc: unknown, ctx: ParseContext): ParseResult {
  if (shape === 'pip-audit') return parsePipAudit(doc, ctx);
  const o = doc as JsonObject;
  switch (shape) {
    case 'bandit':
      return parseBandit(o, ctx);
    case 'semgrep':
      return parseSemgrep(o, ctx);
    case 'safety-2':
      return parseSafetyV2(o, ctx);
    case 'safety-3':
      return parseSafetyV3(o, ctx);
    case 'trivy':
      return parseTrivy(o, ctx);
    case 'grype':
      return parseGrype(o, ctx);
    case 'npm-audit-7':
      return parseNpmAudit7(o, ctx);
    case 'npm-audit-6':
      return parseNpmAudit6(o, ctx);
    case 'sarif':
      return parseSarif(o, ctx);
  }
}
