/**
 * A plain, library-free picture of an HDF5 file: groups with children and attributes,
 * datasets as flat numbers/strings with their shape. The NIR and NIRGraphData readers work
 * on this, so they stay pure and testable; h5.ts converts to and from h5wasm.
 */
export type H5Value = number[] | string[];

export interface H5Dataset {
  kind: 'dataset';
  shape: number[];
  /** 'float' | 'int' | 'string' (what the values mean, not the on-disk width). */
  dtype: 'float' | 'int' | 'string';
  value: H5Value;
  /** Filter ids (1 = deflate/gzip); informational. */
  filters: number[];
  attrs: Record<string, H5Value>;
}

export interface H5Group {
  kind: 'group';
  children: Record<string, H5Node>;
  attrs: Record<string, H5Value>;
}

export type H5Node = H5Group | H5Dataset;

export function group(children: Record<string, H5Node> = {}, attrs: Record<string, H5Value> = {}): H5Group {
  return { kind: 'group', children, attrs };
}

export function dataset(value: H5Value | number | string, shape?: number[], dtype?: H5Dataset['dtype']): H5Dataset {
  const list: H5Value = typeof value === 'number' ? [value] : typeof value === 'string' ? [value] : value;
  const isScalar = typeof value === 'number' || typeof value === 'string';
  const kind = dtype ?? (typeof list[0] === 'string' ? 'string' : 'float');
  return {
    kind: 'dataset',
    shape: shape ?? (isScalar ? [] : [list.length]),
    dtype: kind,
    value: list,
    filters: [],
    attrs: {},
  };
}

export function child(node: H5Group, name: string): H5Node | undefined {
  return Object.hasOwn(node.children, name) ? node.children[name] : undefined;
}
