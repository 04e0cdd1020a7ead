import { writeFile } from 'node:fs/promises';
import { errorMessage, FileError, readFileLimited } from '@spikeformer-actions/core';
// The ESM build (wasm embedded, in-memory file system) and not 'h5wasm/node': the node
// build loads `module` through a dynamic import that the ncc bundle cannot resolve.
import h5wasm, { type Attribute, Dataset, type GuessableDataTypes, Group } from 'h5wasm';
import type { H5Dataset, H5Group, H5Node, H5Value } from './h5-tree.js';

/** The largest .nir / data file we open (HDF5 is read whole by h5wasm). */
export const MAX_H5_BYTES = 512 * 1024 * 1024;
/** The most values one dataset may expand to (gzip makes a small file hold a huge dataset). */
export const MAX_DATASET_VALUES = 64 * 1024 * 1024;

/** A dataset past MAX_DATASET_VALUES: refused by its shape, before it is decompressed. */
class H5LimitError extends Error {}

type Entity = ReturnType<Group['get']>;

interface MemFs {
  writeFile(path: string, data: Uint8Array): void;
  readFile(path: string): Uint8Array;
  unlink(path: string): void;
}

let ready: Promise<MemFs> | undefined;
async function lib(): Promise<{ h5: typeof h5wasm; fs: MemFs }> {
  ready ??= h5wasm.ready.then((m) => {
    const module = m as unknown as { FS: MemFs; activate_throwing_error_handler(): number };
    // HDF5 errors become JS exceptions carrying the full HDF5 error stack (else they only go to stderr).
    module.activate_throwing_error_handler();
    return module.FS;
  });
  return { h5: h5wasm, fs: await ready };
}

let counter = 0;
function scratchName(): string {
  counter += 1;
  return `/sf-${process.pid}-${counter}.h5`;
}

function toValue(raw: unknown, what: string): { value: H5Value; dtype: H5Dataset['dtype'] } {
  if (typeof raw === 'string') return { value: [raw], dtype: 'string' };
  if (typeof raw === 'number') return { value: [raw], dtype: Number.isInteger(raw) ? 'int' : 'float' };
  if (typeof raw === 'bigint') return { value: [Number(raw)], dtype: 'int' };
  if (typeof raw === 'boolean') return { value: [raw ? 1 : 0], dtype: 'int' };
  if (raw instanceof BigInt64Array || raw instanceof BigUint64Array)
    return { value: Array.from(raw, Number), dtype: 'int' };
  if (raw instanceof Float32Array || raw instanceof Float64Array) return { value: Array.from(raw), dtype: 'float' };
  if (ArrayBuffer.isView(raw) && 'length' in raw)
    return { value: Array.from(raw as unknown as ArrayLike<number>), dtype: 'int' };
  if (Array.isArray(raw)) {
    const flat = (raw as unknown[]).flat(Infinity);
    if (flat.every((x) => typeof x === 'string')) return { value: flat, dtype: 'string' };
    if (flat.every((x) => typeof x === 'number' || typeof x === 'bigint'))
      return { value: flat.map(Number), dtype: 'float' };
  }
  throw new Error(`${what}: unsupported HDF5 value type`);
}

function attrsOf(entity: { attrs: Record<string, Attribute> }, where: string): Record<string, H5Value> {
  // No prototype: an attribute or child may be called `__proto__` or `constructor` in the file.
  const out = Object.create(null) as Record<string, H5Value>;
  for (const [name, attr] of Object.entries(entity.attrs)) out[name] = toValue(attr.value, `${where}@${name}`).value;
  return out;
}

function convert(entity: Entity, where: string, depth: number): H5Node | undefined {
  if (depth > 32) throw new Error(`${where}: groups nested deeper than 32 levels`);
  if (entity instanceof Group) {
    const children = Object.create(null) as Record<string, H5Node>;
    for (const key of entity.keys()) {
      const node = convert(entity.get(key), `${where}/${key}`, depth + 1);
      if (node) children[key] = node;
    }
    return { kind: 'group', children, attrs: attrsOf(entity, where) } satisfies H5Group;
  }
  if (entity instanceof Dataset) {
    const count = (entity.shape ?? []).reduce((a, b) => a * b, 1);
    if (count > MAX_DATASET_VALUES)
      throw new H5LimitError(
        `${where}: dataset of shape [${(entity.shape ?? []).join(',')}] holds ${count} values; the limit is ${MAX_DATASET_VALUES}`,
      );
    const { value, dtype } = toValue(entity.value, where);
    const meta = entity.dtype;
    const kind: H5Dataset['dtype'] =
      dtype === 'string'
        ? 'string'
        : typeof meta === 'string' && /[iuqQlLbBhH]/.test(meta.replace(/^[<>|=]/, '')[0] ?? '')
          ? 'int'
          : 'float';
    return {
      kind: 'dataset',
      shape: entity.shape ?? [],
      dtype: kind,
      value,
      filters: entity.filters.map((f) => f.id),
      attrs: attrsOf(entity, where),
    };
  }
  return undefined; // links and named datatypes carry no NIR content
}

/** Runs fn, turning an HDF5 exception (whose message is HDF5's error stack) into diagnostics. */
function withDiagnostics<T>(fn: () => T): { value?: T; error?: unknown; diagnostics: string[] } {
  try {
    return { value: fn(), diagnostics: [] };
  } catch (error) {
    return { error, diagnostics: [errorMessage(error)] };
  }
}

function diagnosis(lines: string[]): string {
  const text = lines.join('\n');
  const truncated = /truncated file: eof = (\d+)[^\n]*stored_eof = (\d+)/.exec(text);
  if (truncated) return `the file is truncated (${truncated[1]} bytes, HDF5 superblock says ${truncated[2]})`;
  const signature = /unable to (?:find|locate) (?:a )?file signature|file signature not found/i.test(text);
  if (signature) return 'not an HDF5 file (no HDF5 signature)';
  if (!text.includes('HDF5')) return text.split('\n')[0] ?? 'HDF5 could not read it';
  const minors = [...text.matchAll(/minor: ([^\n]+)/g)].map((m) => m[1]?.trim() ?? '');
  const detail = [...text.matchAll(/line \d+ in [^:]+\(\): ([^\n]+)/g)].map((m) => m[1]?.trim() ?? '').pop();
  return detail ?? minors.pop() ?? 'HDF5 could not read it';
}

/** Reads a whole HDF5 file into an H5Group; every failure names the file. */
export async function readH5(file: string, shownAs = file): Promise<H5Group> {
  const bytes = await readFileLimited(file, MAX_H5_BYTES, shownAs);
  if (bytes.length === 0) throw new FileError(shownAs, 'is empty, expected an HDF5 file');
  const { h5, fs } = await lib();
  const scratch = scratchName();
  fs.writeFile(scratch, bytes);
  try {
    const opened = withDiagnostics(() => new h5.File(scratch, 'r'));
    if (!opened.value) throw new FileError(shownAs, `cannot be opened as HDF5: ${diagnosis(opened.diagnostics)}`);
    const handle = opened.value;
    try {
      const read = withDiagnostics(() => convert(handle, '', 0));
      if (read.error instanceof H5LimitError) throw new FileError(shownAs, read.error.message);
      if (read.error !== undefined || !read.value || read.value.kind !== 'group') {
        const why =
          read.diagnostics.length > 0
            ? diagnosis(read.diagnostics)
            : read.error instanceof Error
              ? read.error.message
              : 'unreadable';
        throw new FileError(shownAs, `is damaged or truncated: ${why}`);
      }
      return read.value;
    } finally {
      withDiagnostics(() => handle.close());
    }
  } finally {
    fs.unlink(scratch);
  }
}

function writeAttrs(target: Group | Dataset, attrs: Record<string, H5Value>): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value.length === 1) target.create_attribute(name, value[0] as number | string);
    else target.create_attribute(name, value);
  }
}

function writeNode(parent: Group, name: string, node: H5Node, compress: boolean): void {
  if (node.kind === 'group') {
    const g = parent.create_group(name);
    writeAttrs(g, node.attrs);
    for (const [key, value] of Object.entries(node.children)) writeNode(g, key, value, compress);
    return;
  }
  const scalar = node.shape.length === 0;
  let data: GuessableDataTypes;
  let dtype: string;
  if (node.dtype === 'string') {
    data = scalar ? String(node.value[0] ?? '') : (node.value as string[]);
    dtype = 'S';
  } else if (node.dtype === 'int') {
    data = BigInt64Array.from((node.value as number[]).map((v) => BigInt(Math.trunc(v))));
    dtype = '<q';
  } else {
    data = Float64Array.from(node.value as number[]);
    dtype = '<d';
  }
  const big = !scalar && node.value.length >= 16 && node.dtype !== 'string';
  const ds = parent.create_dataset({
    name,
    data,
    shape: node.shape,
    dtype,
    ...(compress && big ? { compression: 'gzip' as const, compression_opts: 4, chunks: node.shape } : {}),
  });
  writeAttrs(ds, node.attrs);
}

/** Writes an H5Group as an HDF5 file (gzip for numeric arrays of 16+ values when compress is set). */
export async function writeH5(file: string, root: H5Group, options: { compress?: boolean } = {}): Promise<void> {
  const { h5, fs } = await lib();
  const scratch = scratchName();
  const out = new h5.File(scratch, 'w');
  try {
    try {
      writeAttrs(out, root.attrs);
      for (const [key, value] of Object.entries(root.children)) writeNode(out, key, value, options.compress ?? false);
    } finally {
      out.close();
    }
    await writeFile(file, fs.readFile(scratch));
  } finally {
    fs.unlink(scratch);
  }
}
