/** Inclusive line range. */
export interface LineRange {
  start: number;
  end: number;
}

/**
 * Merges sorted line numbers into ranges. Two lines join when every line between them
 * satisfies `bridges` (e.g. "not executable"), so a comment inside an uncovered block does
 * not split it.
 */
export function mergeRanges(lines: readonly number[], bridges: (line: number) => boolean = () => false): LineRange[] {
  const out: LineRange[] = [];
  let current: LineRange | undefined;
  for (const line of lines) {
    if (current && line > current.end) {
      let joined = true;
      for (let l = current.end + 1; l < line; l++) {
        if (!bridges(l)) {
          joined = false;
          break;
        }
      }
      if (joined) {
        current.end = line;
        continue;
      }
    }
    if (current && line <= current.end) continue;
    current = { start: line, end: line };
    out.push(current);
  }
  return out;
}

export function formatRanges(ranges: readonly LineRange[]): string {
  return ranges.map((r) => (r.start === r.end ? String(r.start) : `${r.start}-${r.end}`)).join(', ');
}
