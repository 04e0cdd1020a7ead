import { absentToken, type CommandProperties, issueCommand } from './commands.js';
import { safeInline, safeText } from './escape.js';
import type { SourceLocation } from './errors.js';

/**
 * The only way actions write to the log. Every argument is treated as untrusted and
 * neutralised; annotation messages are escaped by the command protocol on top of that.
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
  process.stdout.write(`${safeText(message)}\n`);
}

export function debug(message: string): void {
  issueCommand('debug', {}, safeText(message));
}

/** The runner's annotation properties (title, file, line, endLine, col, endColumn), in that order. */
function properties(at: Annotation | undefined): CommandProperties {
  if (!at) return {};
  const props: CommandProperties = {};
  if (at.title !== undefined) props.title = safeInline(at.title, 200);
  if (at.file !== undefined) props.file = safeInline(at.file, 500);
  if (at.line !== undefined && at.line > 0) props.line = at.line;
  if (at.endLine !== undefined && at.endLine > 0) props.endLine = at.endLine;
  // GitHub ignores columns on multi-line annotations; keep them only for single lines.
  if (at.column !== undefined && at.column > 0 && (at.endLine === undefined || at.endLine === at.line))
    props.col = at.column;
  if (at.endColumn !== undefined && at.endColumn > 0 && props.col !== undefined) props.endColumn = at.endColumn;
  return props;
}

export function notice(message: string, at?: Annotation): void {
  issueCommand('notice', properties(at), safeText(message));
}

export function warning(message: string, at?: Annotation): void {
  issueCommand('warning', properties(at), safeText(message));
}

export function error(message: string, at?: Annotation): void {
  issueCommand('error', properties(at), safeText(message));
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
  issueCommand('group', {}, safeInline(title, 200));
  try {
    return await fn();
  } finally {
    issueCommand('endgroup', {}, '');
  }
}

/**
 * Prints a large block of untrusted text verbatim (a tool's output) with command processing
 * switched off around it, the runner's own mechanism for this.
 */
export function untrustedBlock(text: string): void {
  const shown = safeText(text);
  const token = absentToken('sf-', [shown]);
  process.stdout.write(`::stop-commands::${token}\n`);
  try {
    process.stdout.write(`${shown}\n`);
  } finally {
    process.stdout.write(`::${token}::\n`);
  }
}

/** Registers a secret with the runner before its first use anywhere. Empty values are ignored. */
export function maskSecret(value: string | undefined): void {
  if (!value) return;
  issueCommand('add-mask', {}, value);
  // Also mask each line of a multi-line secret (PEM keys), as the runner masks per line.
  for (const line of value.split(/\r?\n/)) {
    if (line.trim().length >= 4 && line !== value) issueCommand('add-mask', {}, line);
  }
}
