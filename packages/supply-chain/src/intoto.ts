import { errorMessage, isRecord, jsonDepthExceededAt, MAX_NESTING_DEPTH } from '@spikeformer-actions/core';

/** in-toto attestation framework v1 types and the DSSE payload type that carries them. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const IN_TOTO_STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';

export interface Subject {
  name: string;
  digest: Record<string, string>;
}

export interface Statement<P = unknown> {
  _type: string;
  subject: Subject[];
  predicateType: string;
  predicate: P;
}

export type StatementParse = { ok: true; statement: Statement } | { ok: false; problem: string };

/** Parses and shape-checks an in-toto statement (v0.1 or v1) from a DSSE payload. */
export function parseStatement(payload: Uint8Array): StatementParse {
  const text = Buffer.from(payload).toString('utf8');
  // Whatever reads the statement later (reports, JSON.stringify) must not meet unbounded nesting.
  if (jsonDepthExceededAt(text) >= 0)
    return { ok: false, problem: `payload nests deeper than ${MAX_NESTING_DEPTH} levels` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `payload is not JSON (${errorMessage(e)})` };
  }
  if (!isRecord(json)) return { ok: false, problem: 'payload is not a JSON object' };
  const type = json['_type'];
  if (type !== IN_TOTO_STATEMENT_V1 && type !== IN_TOTO_STATEMENT_V01) {
    return { ok: false, problem: `_type is ${JSON.stringify(type)}, expected ${IN_TOTO_STATEMENT_V1}` };
  }
  const subjects = json['subject'];
  if (!Array.isArray(subjects) || subjects.length === 0) return { ok: false, problem: 'statement has no subject' };
  const parsed: Subject[] = [];
  for (const [i, s] of subjects.entries()) {
    if (!isRecord(s) || !isRecord(s['digest'])) return { ok: false, problem: `subject[${i}] has no digest` };
    const digest: Record<string, string> = {};
    for (const [alg, value] of Object.entries(s['digest']))
      if (typeof value === 'string') digest[alg] = value.toLowerCase();
    parsed.push({ name: typeof s['name'] === 'string' ? s['name'] : '', digest });
  }
  const predicateType = json['predicateType'];
  if (typeof predicateType !== 'string' || predicateType === '')
    return { ok: false, problem: 'statement has no predicateType' };
  return { ok: true, statement: { _type: type, subject: parsed, predicateType, predicate: json['predicate'] ?? null } };
}

export function makeStatement<P>(subjects: Subject[], predicateType: string, predicate: P): Statement<P> {
  return { _type: IN_TOTO_STATEMENT_V1, subject: subjects, predicateType, predicate };
}

const TYPE_URI_MAX = 2048;

/**
 * in-toto's TypeURI (predicateType): an absolute URI with a scheme, such as
 * https://slsa.dev/provenance/v1 or urn:…; no white space or control characters.
 */
export function isTypeUri(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return text.length <= TYPE_URI_MAX && /^[a-z][a-z0-9+.-]*:[^\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+$/i.test(text);
}
