import type { RawFinding } from '../model.js';

export interface ParseContext {
  /** The report's workspace-relative path (named in messages and findings). */
  report: string;
  /** Absolute workspace root, for placing report paths. */
  root: string;
}

export interface ParseResult {
  findings: RawFinding[];
  /** Things the tool itself reported as problems (scan errors, skipped packages): shown, never dropped. */
  notes: string[];
  /** "bandit 1.6.2", when the report says. */
  toolVersion?: string;
}
