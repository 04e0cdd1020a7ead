import { deepEqual, isObject, type Json, type JsonObject } from './json.js';
import { mergeKeyFor } from './patch-strategic.js';

/**
 * Field ownership for server-side apply, in the `FieldsV1` shape the real server writes:
 * `f:<field>` for map fields, `k:{"name":"app"}` for items of keyed lists. A set is kept as
 * leaf paths (JSON-encoded arrays of those tokens).
 */
export type FieldSet = Set<string>;

const UNTRACKED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'deletionTimestamp',
  'selfLink',
]);

function walk(value: Json, path: string[], out: FieldSet, field: string): void {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) {
      if (path.length === 1 && path[0] === 'f:metadata' && UNTRACKED_METADATA.has(k)) continue;
      walk(v, [...path, `f:${k}`], out, k);
    }
    return;
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isObject)) {
    const key = mergeKeyFor(field, value);
    if (key && value.every((item) => isObject(item) && item[key] !== undefined)) {
      for (const item of value) {
        walk(item, [...path, `k:${JSON.stringify({ [key]: item[key] })}`], out, '');
      }
      return;
    }
  }
  out.add(JSON.stringify(path));
}

/** The leaf fields an applied configuration (or object) sets; status and identity excluded. */
export function fieldSetOf(object: JsonObject): FieldSet {
  const out: FieldSet = new Set();
  for (const [k, v] of Object.entries(object)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    walk(v, [`f:${k}`], out, k);
  }
  return out;
}

function step(container: Json | undefined, token: string): Json | undefined {
  if (token.startsWith('f:')) return isObject(container) ? container[token.slice(2)] : undefined;
  if (token.startsWith('k:') && Array.isArray(container)) {
    const key = JSON.parse(token.slice(2)) as JsonObject;
    return container.find((item) => isObject(item) && Object.entries(key).every(([k, v]) => deepEqual(item[k], v)));
  }
  return undefined;
}

export function valueAt(object: Json, path: readonly string[]): Json | undefined {
  let cur: Json | undefined = object;
  for (const token of path) cur = step(cur, token);
  return cur;
}

/** Removes one leaf; a keyed item whose every owned field is gone is removed whole. */
export function removeAt(object: JsonObject, path: readonly string[]): void {
  const parent = valueAt(object, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (last.startsWith('f:') && isObject(parent)) delete parent[last.slice(2)];
  else if (last.startsWith('k:') && Array.isArray(parent)) {
    const item = step(parent, last);
    if (item !== undefined) parent.splice(parent.indexOf(item), 1);
  }
}

/** Leaf paths of `after` whose value differs from `before`: what an update takes ownership of. */
export function changedFields(before: JsonObject | undefined, after: JsonObject): FieldSet {
  const changed: FieldSet = new Set();
  for (const p of fieldSetOf(after)) {
    const path = JSON.parse(p) as string[];
    if (!before || !deepEqual(valueAt(before, path), valueAt(after, path))) changed.add(p);
  }
  return changed;
}

export function toFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  for (const p of [...set].sort()) {
    let node = root;
    for (const token of JSON.parse(p) as string[]) {
      const next = node[token];
      node[token] = isObject(next) ? next : {};
      node = node[token];
      if (token.startsWith('k:')) node['.'] = {};
    }
  }
  return root;
}

export function fromFieldsV1(tree: Json | undefined): FieldSet {
  const out: FieldSet = new Set();
  const visit = (node: Json, path: string[]): void => {
    const keys = isObject(node) ? Object.keys(node).filter((k) => k !== '.') : [];
    if (keys.length === 0) {
      if (path.length > 0) out.add(JSON.stringify(path));
      return;
    }
    for (const k of keys) visit((node as JsonObject)[k]!, [...path, k]);
  };
  if (tree !== undefined) visit(tree, []);
  return out;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

/** Renders a path for a conflict message: `.spec.replicas`, `.spec.template.spec.containers[name="app"].image`. */
export function describePath(path: readonly string[]): string {
  return path
    .map((t) => {
      if (t.startsWith('f:')) return `.${t.slice(2)}`;
      const key = JSON.parse(t.slice(2)) as JsonObject;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}
