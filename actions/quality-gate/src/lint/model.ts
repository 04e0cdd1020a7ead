export type LintTool = 'ruff' | 'eslint' | 'mypy' | 'black' | 'shellcheck' | 'sarif';
export const LINT_TOOLS: readonly LintTool[] = ['ruff', 'eslint', 'mypy', 'black', 'shellcheck', 'sarif'];

/** lint: a style/correctness finding; type: a type-checker error; format: a file the formatter would change. */
export type FindingKind = 'lint' | 'type' | 'format';
export type FindingLevel = 'error' | 'warning' | 'note';

export interface Finding {
  tool: string;
  kind: FindingKind;
  level: FindingLevel;
  /** Rule or code (F401, no-unused-vars, SC2086, arg-type); '' when the tool gives none. */
  rule: string;
  /** Path as the tool printed it. */
  file: string;
  line?: number;
  endLine?: number;
  column?: number;
  message: string;
}

export interface LintReport {
  tool: LintTool;
  file: string;
  findings: Finding[];
}

export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function posInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
