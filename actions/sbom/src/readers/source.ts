import path from 'node:path';

/** A lockfile's text with the name shown in messages. */
export interface TextSource {
  /** Absolute path (used to resolve includes and sibling manifests). */
  path: string;
  /** Workspace-relative path shown in messages and the BOM. */
  shown: string;
  text: string;
}

/** Reads another file a lockfile refers to (an `-r` include); throws a FileError naming the includer when it cannot. */
export type Loader = (
  absolutePath: string,
  includedFrom: { file: string; line: number; written: string },
) => Promise<TextSource>;

export function siblingPath(source: TextSource, relative: string): string {
  return path.resolve(path.dirname(source.path), relative);
}

/** Offsets of line starts, for turning an offset into a 1-based line cheaply. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** Line of the first occurrence of needle at or after from; undefined when absent. */
  find(needle: string, from = 0): number | undefined {
    const at = this.text.indexOf(needle, from);
    return at < 0 ? undefined : this.lineAt(at);
  }
}
