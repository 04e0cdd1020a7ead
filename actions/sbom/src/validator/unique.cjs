'use strict';
// uniqueItems in linear time. Items are bucketed by a cheap structural hash that deep-equal JSON
// values always share (object members are combined by a commutative sum, so key order does not
// matter; strings are sampled, not scanned, as equal strings agree on any sample); only items in
// the same bucket are compared by their key-sorted JSON text. A collision costs a comparison,
// never a wrong answer.

function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  // What JSON.stringify writes for it (null for undefined and non-finite numbers).
  return JSON.stringify(value) ?? 'null';
}

function stringHash(text) {
  const n = text.length;
  if (n === 0) return 7;
  let h = n * 31 + text.charCodeAt(0);
  h = (h * 31 + text.charCodeAt(n >> 1)) | 0;
  h = (h * 31 + text.charCodeAt(n - 1)) | 0;
  if (n > 8) h = (h * 31 + text.charCodeAt(n >> 2) + text.charCodeAt(n - (n >> 2))) | 0;
  return h;
}

function fingerprint(value) {
  switch (typeof value) {
    case 'string':
      return stringHash(value) ^ 0x5bd1e995;
    case 'number':
      // Non-finite numbers are null in JSON.
      if (!Number.isFinite(value)) return 0x165667b1;
      return (Number.isInteger(value) ? value | 0 : stringHash(String(value))) ^ 0x27d4eb2d;
    case 'boolean':
      return value ? 0x3c6ef372 : 0x1b873593;
    default:
      break;
  }
  // undefined is null inside arrays and absent as a member (below), as JSON.stringify has it.
  if (value === null || value === undefined) return 0x165667b1;
  if (Array.isArray(value)) {
    let h = value.length ^ 0x61c88647;
    for (let i = 0; i < value.length; i++) h = (Math.imul(h, 31) + fingerprint(value[i])) | 0;
    return h;
  }
  let sum = 0x7feb352d;
  for (const key in value) {
    if (Object.hasOwn(value, key) && value[key] !== undefined) sum = (sum + Math.imul(stringHash(key) | 1, fingerprint(value[key]) ^ 0x2545f491)) | 0;
  }
  return sum;
}

function allUnique(items) {
  if (items.length < 2) return true;
  const buckets = new Map();
  for (const item of items) {
    const key = fingerprint(item);
    const bucket = buckets.get(key);
    if (bucket === undefined) {
      buckets.set(key, [item]);
      continue;
    }
    const canonical = canonicalJson(item);
    if (bucket.some((other) => canonicalJson(other) === canonical)) return false;
    bucket.push(item);
  }
  return true;
}

module.exports = { canonicalJson, allUnique };
