import { quote, quoteList } from '@spikeformer-actions/core';

/** Numeric CSV (as the NIR paper's traces): rows are steps; an optional header row is skipped. */
export interface Csv {
  header: string[] | undefined;
  rows: number[][];
}

export class CsvError extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(problem);
    this.name = 'CsvError';
  }
}

/** Rows are steps: past `maxRows` the file is refused at the first row too many. */
export function parseCsv(text: string, maxRows = Number.POSITIVE_INFINITY): Csv {
  const lines = text.split(/\r?\n/);
  const rows: number[][] = [];
  let header: string[] | undefined;
  let width = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    const nums = cells.map(Number);
    if (nums.some((n, j) => !Number.isFinite(n) || cells[j] === '')) {
      if (rows.length === 0 && header === undefined) {
        header = cells;
        width = cells.length;
        continue;
      }
      const bad = cells.find((c, j) => c === '' || !Number.isFinite(nums[j]));
      throw new CsvError(i + 1, `${quote(bad ?? '')} is not a finite number`);
    }
    if (width === -1) width = nums.length;
    else if (nums.length !== width) throw new CsvError(i + 1, `has ${nums.length} columns, expected ${width}`);
    if (rows.length === maxRows)
      throw new CsvError(i + 1, `has more than ${maxRows} steps (rows); the limit is ${maxRows}`);
    rows.push(nums);
  }
  return { header, rows };
}

/** A column by 0-based index or by header name. */
export function column(csv: Csv, spec: string, line = 1): Float64Array {
  const index = /^\d+$/.test(spec) ? Number(spec) : (csv.header?.indexOf(spec) ?? -1);
  const width = csv.rows[0]?.length ?? 0;
  if (index < 0 || index >= width)
    throw new CsvError(
      line,
      `no column ${quote(spec)} (${width} columns${csv.header ? `: ${quoteList(csv.header)}` : ''})`,
    );
  return Float64Array.from(csv.rows, (r) => r[index] as number);
}
