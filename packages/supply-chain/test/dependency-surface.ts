// The functions of this package's dependencies that a patch would replace: every function-valued
// property (value, getter, setter) of every module object, class, prototype and namespace they
// export, and of the built-ins they rely on. Run directly (`node test/dependency-surface.ts`) it
// prints the fingerprint of a fresh process, where nothing of ours was loaded.
// Erasable TypeScript only: node runs this file without a compiler.
import { createHash } from 'node:crypto';
import * as nodeCrypto from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requireHere = createRequire(path.join(packageDir, 'package.json'));

/** One property slot: `holder[key]`, named for messages. */
export interface Slot {
  name: string;
  holder: object;
  key: string | symbol;
}

type Parts = { value?: unknown; get?: unknown; set?: unknown };

/** The ESM-only dependencies, by the specifiers src imports them with. */
const ESM_SPECIFIERS = ['@noble/ciphers/salsa.js', '@noble/ciphers/utils.js'];

const BUILTINS: [string, unknown][] = [
  ['Object', Object],
  ['Object.prototype', Object.prototype],
  ['Function.prototype', Function.prototype],
  ['Array.prototype', Array.prototype],
  ['String.prototype', String.prototype],
  ['Uint8Array', Uint8Array],
  ['Uint8Array.prototype', Uint8Array.prototype],
  ['TypedArray.prototype', Reflect.getPrototypeOf(Uint8Array.prototype)],
  ['Buffer', Buffer],
  ['Buffer.prototype', Buffer.prototype],
  ['Map.prototype', Map.prototype],
  ['Set.prototype', Set.prototype],
  ['Date.prototype', Date.prototype],
  ['Promise.prototype', Promise.prototype],
  ['JSON', JSON],
  ['node:crypto', nodeCrypto],
  ['node:crypto KeyObject.prototype', nodeCrypto.KeyObject.prototype],
];

function isObjectLike(v: unknown): v is object {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

/** The package folders this package depends on, transitively, from package.json files. */
function dependencyDirs(): string[] {
  const dirs = new Set<string>();
  const visit = (dir: string, own: boolean): void => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    const req = createRequire(path.join(dir, 'package.json'));
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      if (own && range.startsWith('workspace:')) continue;
      // Walk up from the resolved entry: not every package exports its package.json.
      let at = path.dirname(req.resolve(name));
      while (!path.basename(at).startsWith('node_modules') && packageName(at) !== name) at = path.dirname(at);
      const real = realpathSync(at);
      if (dirs.has(real)) continue;
      dirs.add(real);
      visit(real, false);
    }
  };
  visit(packageDir, true);
  return [...dirs];
}

function packageName(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/**
 * Loads the dependencies (not this package) and lists the slots to watch: module exports (every
 * CommonJS file of theirs that is loaded, not only the entry), classes, their statics and
 * prototypes, nested namespaces such as @sigstore/core's `crypto`, and the built-ins above.
 */
export async function dependencySlots(): Promise<Slot[]> {
  const dirs = dependencyDirs();
  const roots: [string, unknown][] = [...BUILTINS];
  for (const dir of dirs) {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      name: string;
      type?: string;
    };
    if (manifest.type !== 'module') requireHere(requireHere.resolve(manifest.name));
  }
  for (const specifier of ESM_SPECIFIERS)
    roots.push([specifier, await import(pathToFileURL(requireHere.resolve(specifier)).href)]);
  const inDependency = (file: string): string | undefined => {
    const real = realpathSync(file);
    const dir = dirs.find((d) => real.startsWith(`${d}${path.sep}`));
    return dir === undefined
      ? undefined
      : `${path.basename(path.dirname(dir)).startsWith('@') ? `${path.basename(path.dirname(dir))}/` : ''}${path.basename(dir)}/${path.relative(dir, real)}`;
  };
  for (const [file, mod] of Object.entries(requireHere.cache).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const name = inDependency(file);
    if (name !== undefined && mod) roots.push([name, mod.exports]);
  }

  const slots: Slot[] = [];
  const seen = new Set<object>();
  const walk = (name: string, holder: object, depth: number): void => {
    if (seen.has(holder)) return;
    seen.add(holder);
    for (const key of Reflect.ownKeys(holder)) {
      const d = Reflect.getOwnPropertyDescriptor(holder, key);
      if (!d) continue;
      const label = `${name}.${String(key)}`;
      if (typeof d.value === 'function' || typeof d.get === 'function' || typeof d.set === 'function')
        slots.push({ name: label, holder, key });
      if (depth < 3 && isObjectLike(d.value) && key !== 'constructor' && key !== '__proto__')
        walk(label, d.value, depth + 1);
      if (typeof d.value === 'function' && isObjectLike((d.value as { prototype?: unknown }).prototype)) {
        walk(`${label}.prototype`, (d.value as { prototype: object }).prototype, depth + 1);
      }
    }
  };
  for (const [name, root] of roots) if (isObjectLike(root)) walk(name, root, 0);
  return slots;
}

function partsOf(slot: Slot): Parts {
  const d = Reflect.getOwnPropertyDescriptor(slot.holder, slot.key);
  return d ? { value: d.value, get: d.get, set: d.set } : {};
}

/** The functions in each slot, by identity: for before/after comparisons in one process. */
export function snapshot(slots: readonly Slot[]): Map<string, Parts> {
  return new Map(slots.map((s) => [s.name, partsOf(s)]));
}

/** The slots whose functions are no longer the ones snapshot holds. */
export function changedSince(slots: readonly Slot[], before: ReadonlyMap<string, Parts>): string[] {
  return slots
    .filter((s) => {
      const was = before.get(s.name);
      const now = partsOf(s);
      return !was || was.value !== now.value || was.get !== now.get || was.set !== now.set;
    })
    .map((s) => s.name);
}

function sourceOf(f: unknown): string {
  return typeof f === 'function'
    ? createHash('sha256').update(Function.prototype.toString.call(f)).digest('hex').slice(0, 16)
    : '';
}

/** The source text of each slot's functions: comparable across processes. */
export function fingerprint(slots: readonly Slot[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of slots) {
    const p = partsOf(s);
    out[s.name] = `${sourceOf(p.value)}/${sourceOf(p.get)}/${sourceOf(p.set)}`;
  }
  return out;
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  process.stdout.write(JSON.stringify(fingerprint(await dependencySlots())));
}
