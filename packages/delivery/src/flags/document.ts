import { isDeepStrictEqual } from 'node:util';
import { FileError, parseJsonText, safeInline, UserError } from '@spikeformer-actions/core';
import { duplicateJsonKey } from './duplicate-keys.js';
import { flagSchemaProblems } from './schema.js';
import type { FlagTarget } from './target.js';

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A parsed flagd document (the `flags` map form, the one flagd and its providers both read). */
export interface FlagDocument {
  flags: Record<string, JsonObject>;
  [key: string]: unknown;
}

/** Parses and checks a document against flagd's schema; `shownAs` names it in errors (configmap/x key y). */
export function parseFlagDocument(text: string, shownAs: string): FlagDocument {
  let value: unknown;
  try {
    value = parseJsonText(text, shownAs);
  } catch (error) {
    // The same text as a FileError, without the annotation's file property: this is no file of the repository.
    throw error instanceof FileError ? new UserError(error.message) : error;
  }
  const duplicate = duplicateJsonKey(text);
  if (duplicate)
    throw new UserError(
      `${shownAs}:${duplicate.line}: key ${safeInline(JSON.stringify(duplicate.key))} appears twice in one object`,
    );
  const problems = flagSchemaProblems(value);
  if (problems.length > 0)
    throw new UserError(`${shownAs}: not a valid flagd flag configuration: ${problems.join('; ')}`);
  return value as FlagDocument;
}

/** Whether the document has the flag with both variants; the problem otherwise. */
export function flagProblem(doc: FlagDocument, target: FlagTarget): string | undefined {
  const flag = Object.hasOwn(doc.flags, target.flagKey) ? doc.flags[target.flagKey] : undefined;
  if (!flag) return `has no flag ${JSON.stringify(target.flagKey)}`;
  const variants = isObject(flag['variants']) ? flag['variants'] : {};
  for (const v of [target.newVariant, target.stableVariant]) {
    if (!Object.hasOwn(variants, v))
      return `flag ${JSON.stringify(target.flagKey)} has no variant ${JSON.stringify(v)} (it has ${Object.keys(variants)
        .map((k) => JSON.stringify(k))
        .join(', ')})`;
  }
  return undefined;
}

function withFlag(doc: FlagDocument, flagKey: string, change: (flag: JsonObject) => void): FlagDocument {
  const copy = structuredClone(doc);
  const flag = copy.flags[flagKey];
  if (!flag) throw new UserError(`the flag ${JSON.stringify(flagKey)} is gone from its configuration`);
  change(flag);
  return copy;
}

/**
 * The flag at a canary weight: flagd's `fractional` without a bucketing expression buckets by
 * flag key + targetingKey, so one user keeps the variant from step to step as the share grows.
 */
export function atWeight(doc: FlagDocument, target: FlagTarget, weight: number): FlagDocument {
  const w = Math.max(0, Math.min(100, Math.round(weight)));
  return withFlag(doc, target.flagKey, (flag) => {
    flag['state'] = 'ENABLED';
    flag['targeting'] = {
      fractional: [
        [target.newVariant, w],
        [target.stableVariant, 100 - w],
      ],
    };
  });
}

/**
 * The flag serving one variant to everyone: default variant set, the canary's fractional rule
 * removed. Targeting of the user's own is kept when `keepTargeting` (blue-green's switch).
 */
export function serving(doc: FlagDocument, flagKey: string, variant: string, keepTargeting: boolean): FlagDocument {
  return withFlag(doc, flagKey, (flag) => {
    flag['state'] = 'ENABLED';
    flag['defaultVariant'] = variant;
    if (!keepTargeting) delete flag['targeting'];
  });
}

export function flagText(doc: FlagDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * What a rollback writes: the exact text from before the first change, unless someone changed
 * another flag of the same document since; then only this flag goes back (their change stays).
 */
export function restoredText(
  currentText: string,
  previousText: string,
  flagKey: string,
  shownAs: string,
): { text: string; exact: boolean } {
  const previous = parseFlagDocument(previousText, `${shownAs} (saved)`);
  let current: FlagDocument;
  try {
    current = parseFlagDocument(currentText, shownAs);
  } catch {
    // A broken document now: the saved one is the last good state.
    return { text: previousText, exact: true };
  }
  const others = (d: FlagDocument): unknown => ({
    ...d,
    flags: Object.fromEntries(Object.entries(d.flags).filter(([k]) => k !== flagKey)),
  });
  if (isDeepStrictEqual(others(current), others(previous))) return { text: previousText, exact: true };
  const merged = structuredClone(current);
  const flag = previous.flags[flagKey];
  if (flag) merged.flags[flagKey] = flag;
  else delete merged.flags[flagKey];
  return { text: flagText(merged), exact: false };
}

/** Checks a document before it is written: flagd must accept it. */
export function checkedText(doc: FlagDocument, shownAs: string): string {
  const problems = flagSchemaProblems(doc);
  if (problems.length > 0)
    throw new UserError(`${shownAs}: the changed flag configuration is not valid for flagd: ${problems.join('; ')}`);
  return flagText(doc);
}
