import { clone, deepEqual, isObject, PatchError, type Json, type JsonObject } from './json.js';

/**
 * Strategic merge patch over the built-in kinds: lists of the fields below merge by their key
 * (as the Go types' `patchMergeKey` tags say); other lists are replaced. Directives handled:
 * `$patch: replace|delete|merge`, `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`,
 * `$retainKeys`, and `null` deleting a field.
 */
const MERGE_KEYS: Record<string, string | ((items: readonly Json[]) => string)> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  // container ports merge by containerPort, Service ports by port
  ports: (items) => (items.some((i) => isObject(i) && 'containerPort' in i) ? 'containerPort' : 'port'),
};

export function mergeKeyFor(field: string, items: readonly Json[]): string | undefined {
  const key = MERGE_KEYS[field];
  return typeof key === 'function' ? key(items) : key;
}

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.filter((v) => !(isObject(v) && v['$patch'] === 'delete')).map(stripDirectives);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue;
    if (v === null) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}

function mergeList(field: string, original: Json[] | undefined, patch: Json[], order: Json[] | undefined): Json[] {
  const base = original ?? [];
  const key = mergeKeyFor(field, [...base, ...patch]);
  if (!key || !patch.concat(base).every(isObject)) {
    // atomic list, or a primitive list under a merge strategy we do not model: replace
    return stripDirectives(patch) as Json[];
  }
  if (patch.some((p) => isObject(p) && p['$patch'] === 'replace')) {
    return stripDirectives(patch.filter((p) => !(isObject(p) && p['$patch'] === 'replace'))) as Json[];
  }
  let result = base.map((item) => clone(item));
  for (const item of patch as JsonObject[]) {
    const id = item[key];
    if (id === undefined)
      throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    const index = result.findIndex((r) => isObject(r) && deepEqual(r[key], id));
    if (item['$patch'] === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) result[index] = strategicMerge(result[index]!, item);
    else result.push(stripDirectives(item));
  }
  if (order) {
    const ordered: Json[] = [];
    for (const o of order) {
      const id = isObject(o) ? o[key] : o;
      const found = result.find((r) => isObject(r) && deepEqual(r[key], id));
      if (found !== undefined) ordered.push(found);
    }
    result = [...ordered, ...result.filter((r) => !ordered.includes(r))];
  }
  return result;
}

export function strategicMerge(original: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const directive = patch['$patch'];
  if (directive === 'replace') return stripDirectives(patch);
  if (directive !== undefined && directive !== 'merge' && directive !== 'delete') {
    throw new PatchError(`unknown patch type: ${String(directive)}`, 400);
  }
  const result: JsonObject = isObject(original) ? clone(original) : {};
  for (const [field, value] of Object.entries(patch)) {
    if (field.startsWith('$')) continue;
    if (value === null) {
      delete result[field];
    } else if (isObject(value) && value['$patch'] === 'delete') {
      delete result[field];
    } else if (Array.isArray(value)) {
      const order = patch[`$setElementOrder/${field}`];
      const current = result[field];
      result[field] = mergeList(
        field,
        Array.isArray(current) ? current : undefined,
        value,
        Array.isArray(order) ? order : undefined,
      );
    } else if (isObject(value)) {
      result[field] = strategicMerge(result[field] ?? null, value);
    } else {
      result[field] = value;
    }
  }
  for (const [directiveKey, value] of Object.entries(patch)) {
    if (directiveKey.startsWith('$deleteFromPrimitiveList/') && Array.isArray(value)) {
      const field = directiveKey.slice('$deleteFromPrimitiveList/'.length);
      const list = result[field];
      if (Array.isArray(list)) result[field] = list.filter((x) => !value.some((v) => deepEqual(v, x)));
    } else if (directiveKey.startsWith('$setElementOrder/') && Array.isArray(value)) {
      // an order for a list the patch did not otherwise touch: reorder the stored list
      const field = directiveKey.slice('$setElementOrder/'.length);
      const list = result[field];
      if (!Object.hasOwn(patch, field) && Array.isArray(list)) result[field] = mergeList(field, list, [], value);
    }
  }
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) {
    for (const k of Object.keys(result)) if (!retain.includes(k)) delete result[k];
  }
  return result;
}
