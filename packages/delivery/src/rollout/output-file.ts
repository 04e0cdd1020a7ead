import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError, inputs } from '@spikeformer-actions/core';

/**
 * A file the action writes (its record or analysis) and names in an output. Checked with the
 * inputs, before the cluster is touched: a path that cannot be written inside the workspace, or
 * that an output could not carry on one line, must not surface only after a switch.
 */
export function readOutputFileInput(name: string, fallback: string): string {
  const value = inputs.getString(name, fallback);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value))
    throw new InputError(name, 'contains a line break or control character: the path could not be given as an output');
  const resolved = inputs.resolvePath(name, value);
  let isDirectory = false;
  try {
    isDirectory = statSync(resolved).isDirectory();
  } catch {
    // Not there yet: it is written at the end.
  }
  if (isDirectory) throw new InputError(name, `'${value}' is a directory, not a file`);
  return resolved;
}

/** Writes the file checked by readOutputFileInput (its folder is made when missing). */
export function writeOutputFile(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}
