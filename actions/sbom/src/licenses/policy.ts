import { PackageURL } from 'packageurl-js';
import { isRecord, quote, quoteList } from '@spikeformer-actions/core';
import { isLeaf, leafText, type LicenseLeaf, type LicenseNode, parseExpression } from './expression.js';

/**
 * The license policy (YAML or JSON): licenses allowed and denied, what a package without a
 * readable license means, and exceptions per package with a reason and an optional expiry.
 */

export type UnknownRule = 'fail' | 'warn' | 'allow';

export interface PolicyException {
  /** 1-based position in the list, for messages. */
  index: number;
  /** As written: with a version it matches that version only, without one every version. */
  purl: string;
  reason: string;
  /** YYYY-MM-DD; the exception applies through that day (UTC). */
  expires: string | undefined;
}

export interface LicensePolicy {
  /** Single licenses (an `A OR B` entry lists both). Empty: every license not denied passes. */
  allow: string[];
  deny: string[];
  unknown: UnknownRule;
  exceptions: PolicyException[];
}

const FIELDS = ['allow', 'deny', 'unknown', 'exceptions'];
const EXCEPTION_FIELDS = ['purl', 'reason', 'expires'];
/** Bounds on what a policy lists: beyond them it is not a policy someone wrote. */
const MAX_LICENSES = 1000;
const MAX_EXCEPTIONS = 10_000;

/** A policy value as a message shows it: strings and numbers quoted, containers by kind. */
function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return quote(value.toISOString());
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return quote(String(value));
  return typeof value;
}

/** Flattens `A OR B` into its licenses; an AND cannot be one entry of a list of licenses. */
function orMembers(node: LicenseNode): LicenseLeaf[] | undefined {
  if (isLeaf(node)) return [node];
  if (node.conjunction === 'and') return undefined;
  const left = orMembers(node.left);
  const right = orMembers(node.right);
  return left && right ? [...left, ...right] : undefined;
}

function licenseList(value: unknown, key: 'allow' | 'deny', fail: (problem: string) => Error): string[] {
  if (value === undefined || value === null) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) throw fail(`'${key}' must be a list of SPDX license identifiers or expressions`);
  if (list.length > MAX_LICENSES) throw fail(`'${key}' lists ${list.length} licenses (at most ${MAX_LICENSES})`);
  const out: string[] = [];
  list.forEach((item: unknown, i) => {
    if (typeof item !== 'string') throw fail(`${key} entry ${i + 1}: expected an SPDX expression, got ${shown(item)}`);
    const node = parseExpression(item);
    if (node === undefined)
      throw fail(
        `${key} entry ${i + 1}: ${quote(item)} is not a valid SPDX license expression (see https://spdx.org/licenses/)`,
      );
    const members = orMembers(node);
    if (members === undefined)
      throw fail(`${key} entry ${i + 1}: ${quote(item)} combines licenses with AND; list the licenses one by one`);
    for (const m of members) if (!out.includes(leafText(m))) out.push(leafText(m));
  });
  return out;
}

function dateText(value: unknown): string | undefined {
  // YAML turns an unquoted 2026-12-31 into a Date under some schemas; both forms are accepted.
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  return typeof value === 'string' ? value.trim() : undefined;
}

function validDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

function exceptionList(value: unknown, fail: (problem: string) => Error): PolicyException[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw fail("'exceptions' must be a list of {purl, reason, expires}");
  if (value.length > MAX_EXCEPTIONS)
    throw fail(`'exceptions' lists ${value.length} entries (at most ${MAX_EXCEPTIONS})`);
  return value.map((item: unknown, i): PolicyException => {
    const where = `exceptions entry ${i + 1}`;
    if (!isRecord(item)) throw fail(`${where}: expected a mapping with purl and reason`);
    const unknown = Object.keys(item).filter((k) => !EXCEPTION_FIELDS.includes(k));
    if (unknown.length > 0)
      throw fail(`${where}: unknown field(s) ${quoteList(unknown)} (allowed: ${EXCEPTION_FIELDS.join(', ')})`);
    const purl = typeof item['purl'] === 'string' ? item['purl'].trim() : '';
    if (purl === '') throw fail(`${where}: 'purl' is required (the package URL, e.g. pkg:npm/left-pad@1.3.0)`);
    try {
      PackageURL.fromString(purl);
    } catch {
      throw fail(`${where}: ${quote(purl)} is not a package URL (pkg:<type>/<name>[@<version>])`);
    }
    const reason = typeof item['reason'] === 'string' ? item['reason'].trim() : '';
    if (reason === '') throw fail(`${where}: 'reason' is required (say why this package is accepted)`);
    let expires: string | undefined;
    const raw = item['expires'];
    if (raw !== undefined && raw !== null) {
      expires = dateText(raw);
      if (expires === undefined || !validDate(expires))
        throw fail(`${where}: 'expires' must be a date YYYY-MM-DD, got ${shown(raw)}`);
    }
    return { index: i + 1, purl, reason, expires };
  });
}

/** The policy in a parsed document; `fail` makes the error that names where the policy came from. */
export function parsePolicy(doc: unknown, fail: (problem: string) => Error): LicensePolicy {
  if (!isRecord(doc)) throw fail('expected a mapping with allow, deny, unknown and exceptions');
  const unknownKeys = Object.keys(doc).filter((k) => !FIELDS.includes(k));
  if (unknownKeys.length > 0) throw fail(`unknown field(s) ${quoteList(unknownKeys)} (allowed: ${FIELDS.join(', ')})`);
  const unknownRule = doc['unknown'] ?? 'warn';
  if (unknownRule !== 'fail' && unknownRule !== 'warn' && unknownRule !== 'allow') {
    throw fail(`'unknown' must be fail, warn or allow, got ${shown(unknownRule)}`);
  }
  const allow = licenseList(doc['allow'], 'allow', fail);
  const deny = licenseList(doc['deny'], 'deny', fail);
  const both = allow.filter((l) => deny.includes(l));
  if (both.length > 0) throw fail(`${quoteList(both)} is both allowed and denied`);
  if (allow.length === 0 && deny.length === 0) throw fail("give 'allow', 'deny' or both (lists of SPDX licenses)");
  return { allow, deny, unknown: unknownRule, exceptions: exceptionList(doc['exceptions'], fail) };
}

/** purl without qualifiers and subpath; `withVersion` false drops the version too. */
function purlKey(purl: string, withVersion: boolean): string {
  const base = purl.replace(/[?#].*$/, '');
  if (withVersion) return base;
  const slash = base.lastIndexOf('/');
  const at = base.indexOf('@', slash + 1);
  return at < 0 ? base : base.slice(0, at);
}

/** Whether an exception covers a package: its version only when it names one, qualifiers ignored. */
export function exceptionMatches(exception: PolicyException, purl: string): boolean {
  const versioned = purlKey(exception.purl, false) !== purlKey(exception.purl, true);
  return purlKey(exception.purl, versioned) === purlKey(purl, versioned);
}

export function isExpired(exception: PolicyException, today: string): boolean {
  return exception.expires !== undefined && exception.expires < today;
}
