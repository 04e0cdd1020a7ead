import { rawInput } from './commands.js';
import { FileError, InputError, PathError } from './errors.js';
import { maskSecret } from './log.js';
import {
  type NumberRange,
  type Parsed,
  parseBoolean,
  parseDuration,
  parseEnum,
  parseFloatStrict,
  parseInteger,
  parseList,
  parsePercentage,
} from './parse.js';
import { parseYamlText } from './yaml.js';
import { expandGlobs, resolveInWorkspace } from './workspace.js';

/**
 * Typed readers for action inputs. Each reads the input once (as the runner passes it:
 * `INPUT_<NAME>`), validates it and throws an InputError naming the input.
 * An empty input means "not given": readers with a fallback return it.
 */

function raw(name: string): string {
  return rawInput(name, true);
}

/** The value of a parse of input `name`, or an InputError naming the input with the problem. */
export function unwrap<T>(name: string, parsed: Parsed<T>): T {
  if (!parsed.ok) throw new InputError(name, parsed.problem);
  return parsed.value;
}

export function getString(name: string, fallback = ''): string {
  const value = raw(name);
  return value === '' ? fallback : value;
}

export function getRequired(name: string): string {
  const value = raw(name);
  if (value === '') throw new InputError(name, 'is required');
  return value;
}

/** A secret input: masked before anything else can print it. */
export function getSecret(name: string): string {
  const value = rawInput(name, false);
  maskSecret(value);
  return value.trim() === '' ? '' : value;
}

export function getBoolean(name: string, fallback: boolean): boolean {
  const value = raw(name);
  return value === '' ? fallback : unwrap(name, parseBoolean(value));
}

export function getInteger(name: string, fallback: number, range?: NumberRange): number;
export function getInteger(name: string, fallback: undefined, range?: NumberRange): number | undefined;
export function getInteger(name: string, fallback: number | undefined, range: NumberRange = {}): number | undefined {
  const value = raw(name);
  return value === '' ? fallback : unwrap(name, parseInteger(value, range));
}

export function getFloat(name: string, fallback: number, range?: NumberRange): number;
export function getFloat(name: string, fallback: undefined, range?: NumberRange): number | undefined;
export function getFloat(name: string, fallback: number | undefined, range: NumberRange = {}): number | undefined {
  const value = raw(name);
  return value === '' ? fallback : unwrap(name, parseFloatStrict(value, range));
}

/** Percent units: `10` and `10%` both give 10. */
export function getPercentage(name: string, fallback: number, range?: NumberRange): number;
export function getPercentage(name: string, fallback: undefined, range?: NumberRange): number | undefined;
export function getPercentage(name: string, fallback: number | undefined, range?: NumberRange): number | undefined {
  const value = raw(name);
  return value === '' ? fallback : unwrap(name, parsePercentage(value, range));
}

/** Milliseconds, from `90s`, `5m`, `1h`, `1m30s` (a bare number is seconds). */
export function getDuration(name: string, fallback: number, range?: NumberRange): number;
export function getDuration(name: string, fallback: undefined, range?: NumberRange): number | undefined;
export function getDuration(name: string, fallback: number | undefined, range?: NumberRange): number | undefined {
  const value = raw(name);
  return value === '' ? fallback : unwrap(name, parseDuration(value, range));
}

export function getEnum<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = raw(name);
  return value === '' ? fallback : unwrap(name, parseEnum(value, allowed));
}

/** Newline- or comma-separated list (commas: false for values that may contain commas). */
export function getList(name: string, options: { commas?: boolean } = {}): string[] {
  return parseList(raw(name), options);
}

/** A JSON or YAML value given inline; undefined when empty. */
export function getObject(name: string): unknown {
  const value = rawInput(name, false);
  if (value.trim() === '') return undefined;
  return parseYamlInput(name, value);
}

/** YAML or JSON text given in input `name`; a syntax error is an InputError with its line. */
export function parseYamlInput(name: string, value: string): unknown {
  try {
    return parseYamlText(value, `input '${name}'`);
  } catch (error) {
    if (!(error instanceof FileError)) throw error;
    const line = error.location?.line;
    throw new InputError(name, line === undefined ? error.problem : `line ${line}: ${error.problem}`);
  }
}

/** A path refused by the workspace policy, as an error naming the input. */
function asInputError(name: string, error: unknown): unknown {
  return error instanceof PathError ? new InputError(name, error.problem) : error;
}

/** A path given in input `name` (or derived from it), resolved inside the workspace. */
export function resolvePath(name: string, value: string): string {
  try {
    return resolveInWorkspace(value, `Input '${name}'`);
  } catch (error) {
    throw asInputError(name, error);
  }
}

/** Files matched by globs given in input `name`, inside the workspace (see expandGlobs). */
export async function expandPatterns(name: string, patterns: readonly string[]): Promise<string[]> {
  try {
    return await expandGlobs(patterns, `Input '${name}'`);
  } catch (error) {
    throw asInputError(name, error);
  }
}

/** A path resolved inside the workspace; '' when not given. */
export function getPath(name: string): string {
  const value = raw(name);
  return value === '' ? '' : resolvePath(name, value);
}

/** Files matched by the input's globs (one per line; `!` excludes), inside the workspace. */
export async function getFiles(name: string, options: { required?: boolean } = {}): Promise<string[]> {
  const patterns = parseList(raw(name), { commas: false });
  if (patterns.length === 0) {
    if (options.required) throw new InputError(name, 'is required');
    return [];
  }
  const files = await expandPatterns(name, patterns);
  if (options.required && files.length === 0) throw new InputError(name, `no file matches ${patterns.join(', ')}`);
  return files;
}
