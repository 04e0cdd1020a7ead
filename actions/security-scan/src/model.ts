/** The one finding model every parser produces and every output consumes. */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type Category = 'sast' | 'dependency' | 'secret' | 'misconfiguration' | 'container';

export const TOOLS = ['bandit', 'semgrep', 'safety', 'pip-audit', 'trivy', 'grype', 'npm-audit', 'sarif'] as const;
/** A report format (what `tool:path` names); SARIF findings carry the SARIF driver's name as their tool. */
export type ReportFormat = (typeof TOOLS)[number];

export interface CodeLocation {
  /** Workspace-relative POSIX path, or the path as reported when it lies outside the workspace. */
  path: string;
  /** False for absolute paths elsewhere (container paths, other machines): never read, never annotated. */
  inWorkspace: boolean;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export interface PackageRef {
  /** purl type: pypi, npm, maven, deb, apk, golang, … */
  ecosystem: string;
  /** Normalised name (PEP 503 for PyPI, group:artifact for Maven). */
  name: string;
  version: string;
  fixedVersions: string[];
  /** Manifests, lockfiles or image paths where the package was found. */
  paths: string[];
}

/** What a parser emits: one entry per finding in the report, before fingerprints and dedup. */
export interface RawFinding {
  tool: string;
  ruleId: string;
  ruleName?: string;
  category: Category;
  severity: Severity;
  /** The tool's own severity word, kept for readers. */
  toolSeverity: string;
  cvss?: number;
  message: string;
  /**
   * The advisory's own words (title or first line of its description) for dependency findings:
   * shared by every finding of that vulnerability, so outputs list it once per rule, while the
   * message names the package, version and fix.
   */
  description?: string;
  /** The tool's own text about the rule (a SARIF rule's fullDescription), when the report has it. */
  ruleDescription?: string;
  /** The tool's own help for the rule (a SARIF rule's help), when the report has it. */
  ruleHelp?: string;
  helpUrl?: string;
  location?: CodeLocation;
  package?: PackageRef;
  /** Vulnerability ids (CVE, GHSA, PYSEC, tool ids), upper-cased, first is the tool's primary id. */
  vulnIds: string[];
  cwes: string[];
  /** Source text at the finding's first line as the report gives it (used when the workspace lacks the file). */
  snippet?: string;
  /** The tool's own stable fingerprint, when it gives one. */
  toolFingerprint?: string;
  /** Suppressed by the tool itself (SARIF suppressions, safety policy): kept and counted as suppressed. */
  suppressedBy?: string;
  /** The report file it came from (workspace-relative). */
  report: string;
}

/**
 * A deduplicated finding: one or more raw findings from one or more tools. Its vulnIds put the
 * canonical id first (a CVE when any alias is one), then the other aliases.
 */
export interface Finding extends Omit<RawFinding, 'tool' | 'report' | 'snippet'> {
  fingerprint: string;
  tools: string[];
  reports: string[];
  /** How many raw findings were merged into this one. */
  occurrences: number;
}

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export function severityRank(severity: Severity): number {
  return RANK[severity];
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return RANK[a] >= RANK[b] ? a : b;
}

/** CVSS base score bands (CVSS v3 and GitHub's security-severity): ≥9 critical, ≥7 high, ≥4 medium, >0 low. */
export function severityFromCvss(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

/** A representative CVSS score for a severity word, for SARIF's security-severity when the report has none. */
export function nominalCvss(severity: Severity): number {
  return { critical: 9.5, high: 8.0, medium: 5.5, low: 2.0, info: 0.0 }[severity];
}

/** Code-unit order: locale-independent, and far cheaper than localeCompare on large sorts. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Most severe first; then by CVSS, path, line and rule so that output order is stable. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    RANK[b.severity] - RANK[a.severity] ||
    (b.cvss ?? -1) - (a.cvss ?? -1) ||
    compareText(a.location?.path ?? a.package?.name ?? '', b.location?.path ?? b.package?.name ?? '') ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.fingerprint, b.fingerprint)
  );
}
