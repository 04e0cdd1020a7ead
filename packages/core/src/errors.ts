/** Where in a file a problem was found; becomes the annotation's location. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/**
 * An error the user can fix (bad input, unreadable file, failed gate). The runner prints
 * its message as one `::error::` line and no stack trace.
 */
export class UserError extends Error {
  readonly location: SourceLocation | undefined;
  constructor(message: string, options: { location?: SourceLocation; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.location = options.location;
  }
}

/** A bad action input; the message always starts with the input's name. */
export class InputError extends UserError {
  readonly input: string;
  constructor(input: string, problem: string) {
    super(`Input '${input}': ${problem}`);
    this.name = 'InputError';
    this.input = input;
  }
}

/** A problem with a file the user gave us; the message names the file (and line). */
export class FileError extends UserError {
  /** The message without the file and position prefix. */
  readonly problem: string;
  constructor(file: string, problem: string, position: { line?: number; column?: number } = {}) {
    const where =
      position.line === undefined
        ? file
        : `${file}:${position.line}${position.column === undefined ? '' : `:${position.column}`}`;
    super(`${where}: ${problem}`, { location: { file, ...position } });
    this.name = 'FileError';
    this.problem = problem;
  }
}

/** A path from any source that the workspace policy refuses; `what` names where it came from. */
export class PathError extends UserError {
  /** The message without the `what` prefix. */
  readonly problem: string;
  constructor(what: string, problem: string) {
    super(`${what}: ${problem}`);
    this.name = 'PathError';
    this.problem = problem;
  }
}

/** A gate that decided "fail": a normal outcome, reported as a user error. */
export class GateFailure extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'GateFailure';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    // JSON.stringify gives undefined for undefined, functions and symbols, whatever its type says.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
