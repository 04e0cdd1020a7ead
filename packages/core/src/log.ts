import * as core from '@actions/core';
import { safeInline, safeText } from './escape.js';
import type { SourceLocation } from './errors.js';

/**
 * The only way actions write to the log. Every argument is treated as untrusted and
 * neutralised; annotation messages are escaped by @actions/core on top of that.
 */

export interface Annotation {
  file?: string;
  line?: number;
  endLine?: number;
  column?: number;
  endColumn?: number;
  title?: string;
}

export function info(message: string): void {
  core.info(safeText(message));
}

export function debug(message: string): void {
  core.debug(safeText(message));
}

function properties(at: Annotation | undefined): core.AnnotationProperties | undefined {
  if (!at) return undefined;
  const props: core.AnnotationProperties = {};
  if (at.file !== undefined) props.file = safeInline(at.file, 500);
  if (at.line !== undefined && at.line > 0) props.startLine = at.line;
  if (at.endLine !== undefined && at.endLine > 0) props.endLine = at.endLine;
  // GitHub ignores columns on multi-line annotations; keep them only for single lines.
  if (at.column !== undefined && at.column > 0 && (at.endLine === undefined || at.endLine === at.line)) props.startColumn = at.column;
  if (at.endColumn !== undefined && at.endColumn > 0 && props.startColumn !== undefined) props.endColumn = at.endColumn;
  if (at.title !== undefined) props.title = safeInline(at.title, 200);
  return props;
}

export function notice(message: string, at?: Annotation): void {
  core.notice(safeText(message), properties(at));
}

export function warning(message: string, at?: Annotation): void {
  core.warning(safeText(message), properties(at));
}

export function error(message: string, at?: Annotation): void {
  core.error(safeText(message), properties(at));
}

export function annotationAt(location: SourceLocation | undefined): Annotation | undefined {
  if (!location) return undefined;
  const at: Annotation = { file: location.file };
  if (location.line !== undefined) at.line = location.line;
  if (location.column !== undefined) at.column = location.column;
  return at;
}

/** Runs fn inside a collapsed log group; the title is untrusted too. */
export async function group<T>(title: string, fn: () => Promise<T>): Promise<T> {
  core.startGroup(safeInline(title, 200));
  try {
    return await fn();
  } finally {
    core.endGroup();
  }
}

/**
 * Prints a large block of untrusted text verbatim (a tool's output) with command processing
 * switched off around it, the runner's own mechanism for this.
 */
export function untrustedBlock(text: string): void {
  const token = `sf-${crypto.randomUUID()}`;
  process.stdout.write(`::stop-commands::${token}\n`);
  try {
    process.stdout.write(`${safeText(text)}\n`);
  } finally {
    process.stdout.write(`::${token}::\n`);
  }
}

/** Registers a secret with the runner before its first use anywhere. Empty values are ignored. */
export function maskSecret(value: string | undefined): void {
  if (!value) return;
  core.setSecret(value);
  // Also mask each line of a multi-line secret (PEM keys), as the runner masks per line.
  for (const line of value.split(/\r?\n/)) {
    if (line.trim().length >= 4 && line !== value) core.setSecret(line);
  }
}
