'use strict';
// uniqueItems in linear time. JSON values are deep-equal exactly when their key-sorted JSON texts are
// equal; deep-equal values also have JSON texts of the same length and character sum (the same pieces
// in another key order), so only items sharing that cheap fingerprint are compared canonically.

function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function fingerprint(value) {
  const text = JSON.stringify(value) ?? 'undefined';
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum = (sum + text.charCodeAt(i)) | 0;
  return `${text.length}:${sum}`;
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
