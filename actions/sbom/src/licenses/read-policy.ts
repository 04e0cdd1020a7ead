import {
  FileError,
  InputError,
  inputs,
  parseYamlText,
  readTextFile,
  workspaceRelative,
} from '@spikeformer-actions/core';
import { type LicensePolicy, parsePolicy } from './policy.js';

/** A policy file is a few kilobytes; this bound only stops a huge or endless file. */
const MAX_POLICY_BYTES = 1024 * 1024;

/** Inline YAML/JSON holds a line break, a brace or a `key:`; anything else names a file. */
export function isInlinePolicy(value: string): boolean {
  return /[\n{[]|:\s|:$/.test(value.trim());
}

/**
 * The `license-policy` input: inline YAML/JSON, or a file in the workspace. Both go through
 * core's readers (bounded size, nesting depth and alias expansion); errors name the input, or
 * the file and line.
 */
export async function readLicensePolicy(value: string): Promise<{ policy: LicensePolicy; source: string } | undefined> {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (isInlinePolicy(trimmed)) {
    const doc = inputs.parseYamlInput('license-policy', value);
    return {
      policy: parsePolicy(doc, (problem) => new InputError('license-policy', problem)),
      source: 'the inline policy',
    };
  }
  const file = inputs.resolvePath('license-policy', trimmed);
  const shown = workspaceRelative(file);
  const doc = parseYamlText(await readTextFile(file, MAX_POLICY_BYTES, shown), shown);
  return { policy: parsePolicy(doc, (problem) => new FileError(shown, problem)), source: shown };
}
