import { clone, deepEqual, isObject, PatchError, type Json } from './json.js';

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test), applied atomically. */

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer '${path}'`, 400);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function parentOf(doc: Json, tokens: readonly string[], path: string): { parent: Json; key: string } {
  let cur: Json = doc;
  for (const token of tokens.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(token)] : isObject(cur) ? cur[token] : undefined;
    if (next === undefined) throw new PatchError(`doc is missing path: "${path}": missing value`);
    cur = next;
  }
  return { parent: cur, key: tokens[tokens.length - 1]! };
}

function read(doc: Json, path: string): Json {
  let cur: Json = doc;
  for (const token of pointer(path)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(token)] : isObject(cur) ? cur[token] : undefined;
    if (next === undefined) throw new PatchError(`doc is missing path: "${path}": missing value`);
    cur = next;
  }
  return cur;
}

function arrayIndex(parent: Json[], key: string, path: string, forAdd: boolean): number {
  if (forAdd && key === '-') return parent.length;
  const index = Number(key);
  const max = forAdd ? parent.length : parent.length - 1;
  if (!/^(0|[1-9][0-9]*)$/.test(key) || index > max)
    throw new PatchError(`unable to access invalid index: ${key} at "${path}"`);
  return index;
}

function add(doc: Json, path: string, value: Json): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) return clone(value);
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, true), 0, clone(value));
  else if (isObject(parent)) parent[key] = clone(value);
  else throw new PatchError(`doc is missing path: "${path}"`);
  return doc;
}

function remove(doc: Json, path: string): Json {
  const tokens = pointer(path);
  if (tokens.length === 0) throw new PatchError('cannot remove the document root');
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, false), 1);
  else if (isObject(parent) && Object.hasOwn(parent, key)) delete parent[key];
  else throw new PatchError(`unable to remove nonexistent key: ${key}: missing value`);
  return doc;
}

export function jsonPatch(target: Json, patch: Json): Json {
  if (!Array.isArray(patch)) throw new PatchError('a JSON patch must be an array of operations', 400);
  let doc = clone(target);
  for (const raw of patch) {
    if (!isObject(raw) || typeof raw['op'] !== 'string' || typeof raw['path'] !== 'string') {
      throw new PatchError('each JSON patch operation needs "op" and "path"', 400);
    }
    const op = raw as unknown as Operation;
    const needValue = (): Json => {
      if (!Object.hasOwn(raw, 'value')) throw new PatchError(`operation "${op.op}" needs a value`, 400);
      return op.value ?? null;
    };
    switch (op.op) {
      case 'add':
        doc = add(doc, op.path, needValue());
        break;
      case 'remove':
        doc = remove(doc, op.path);
        break;
      case 'replace':
        read(doc, op.path);
        doc = add(remove(doc, op.path), op.path, needValue());
        break;
      case 'move': {
        const value = read(doc, op.from ?? '');
        doc = add(remove(doc, op.from ?? ''), op.path, value);
        break;
      }
      case 'copy':
        doc = add(doc, op.path, read(doc, op.from ?? ''));
        break;
      case 'test':
        if (!deepEqual(read(doc, op.path), needValue()))
          throw new PatchError(`testing value ${op.path} failed: test operation does not apply`);
        break;
      default:
        throw new PatchError(`unexpected kind: ${op.op}`, 400);
    }
  }
  return doc;
}
