import { FileError } from '@spikeformer-actions/core';
import { parse as parseToml, TomlError } from 'smol-toml';

/** Narrowing helpers for parsed lockfile data: anything not of the expected shape is an error naming file and line. */

export type Table = Record<string, unknown>;

export function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function parseTomlText(text: string, file: string): Table {
  try {
    return parseToml(text);
  } catch (error) {
    if (error instanceof TomlError) {
      throw new FileError(
        file,
        `invalid TOML: ${(error.message.split('\n')[0] ?? error.message).replace(/^Invalid TOML document:\s*/, '')}`,
        { line: error.line, column: error.column },
      );
    }
    throw error;
  }
}

/** A parsed value for a message: numbers as JavaScript writes them (NaN, Infinity), the rest as JSON (clipped). */
export function shownValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  const json = JSON.stringify(value ?? null);
  return json.length > 80 ? `${json.slice(0, 79)}…` : json;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function table(value: unknown): Table {
  return isTable(value) ? value : {};
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function stringList(value: unknown): string[] {
  return list(value).filter((v): v is string => typeof v === 'string');
}

/** A required string field of an entry; the error names the file and the entry's line. */
export function requireString(
  entry: Table,
  field: string,
  file: string,
  line: number | undefined,
  what: string,
): string {
  const value = entry[field];
  if (typeof value !== 'string' || value === '') {
    throw new FileError(file, `${what} has no '${field}'`, line === undefined ? {} : { line });
  }
  return value;
}
