import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import {
  errorMessage,
  FileError,
  isRecord,
  jsonDepthExceededAt,
  MAX_NESTING_DEPTH,
  parseJsonText,
  positionOf,
} from '@spikeformer-actions/core';

/** One Sigstore bundle taken out of a file, with where it came from. */
export interface LoadedBundle {
  /** `file`, `file#2` (JSONL line / npm attestation index) — how messages name it. */
  source: string;
  bundle: Bundle;
  /** predicateType the npm attestations document declares next to the bundle. */
  declaredPredicateType?: string;
}

export class DocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DocumentError';
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function toBundle(json: unknown, source: string): Bundle {
  if (
    !isRecord(json) ||
    typeof json['mediaType'] !== 'string' ||
    !json['mediaType'].startsWith('application/vnd.dev.sigstore.bundle')
  ) {
    throw new DocumentError(`${source}: not a Sigstore bundle (no application/vnd.dev.sigstore.bundle mediaType)`);
  }
  try {
    return bundleFromJSON(json);
  } catch (e) {
    // @sigstore/bundle names the missing or wrong fields in `fields`; its message alone is "invalid bundle".
    const fields = (e as { fields?: unknown }).fields;
    const which = Array.isArray(fields) && fields.length > 0 ? ` (${fields.slice(0, 5).map(String).join(', ')})` : '';
    throw new DocumentError(`${source}: malformed Sigstore bundle: ${errorMessage(e)}${which}`);
  }
}

/**
 * Reads the bundles of one document: a Sigstore bundle, a JSON-lines file of bundles (gh
 * attestation download), or npm's attestations document `{attestations:[{predicateType,bundle}]}`.
 */
export function bundlesFromDocument(text: string, file: string): LoadedBundle[] {
  const trimmed = text.trim();
  if (trimmed === '')
    throw new DocumentError(`${file}: is empty (expected a Sigstore bundle or an npm attestations document)`);
  // Bundles nest a few levels; a deeper document is refused before anything walks it.
  const deep = jsonDepthExceededAt(text);
  if (deep >= 0) {
    const at = positionOf(text, deep);
    throw new DocumentError(`${file}:${at.line}:${at.column}: nests deeper than ${MAX_NESTING_DEPTH} levels`);
  }
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    const lines = trimmed.split('\n').filter((l) => l.trim() !== '');
    if (lines.length > 1 && isJson(lines[0] ?? '')) {
      return lines.map((line, i) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          throw new DocumentError(`${file}:${i + 1}: line is not JSON (expected one bundle per line)`);
        }
        return { source: `${file}#${i + 1}`, bundle: toBundle(parsed, `${file}:${i + 1}`) };
      });
    }
    try {
      parseJsonText(text, file);
    } catch (e) {
      // parseJsonText's message names the file, line and column of the first syntax error.
      if (e instanceof FileError) throw new DocumentError(e.message);
      throw e;
    }
    throw new DocumentError(`${file}: not JSON (expected a Sigstore bundle or an npm attestations document)`);
  }
  if (isRecord(json) && Array.isArray(json['attestations'])) {
    const out: LoadedBundle[] = [];
    json['attestations'].forEach((a, i) => {
      if (!isRecord(a) || !isRecord(a['bundle'])) throw new DocumentError(`${file}: attestations[${i}] has no bundle`);
      const declared = typeof a['predicateType'] === 'string' ? a['predicateType'] : undefined;
      out.push({
        source: `${file}#attestations[${i}]`,
        bundle: toBundle(a['bundle'], `${file} attestations[${i}]`),
        ...(declared ? { declaredPredicateType: declared } : {}),
      });
    });
    if (out.length === 0) throw new DocumentError(`${file}: the attestations document is empty`);
    return out;
  }
  return [{ source: file, bundle: toBundle(json, file) }];
}
