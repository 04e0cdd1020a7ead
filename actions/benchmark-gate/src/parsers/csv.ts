import { FileError } from '@spikeformer-actions/core';

/** One CSV record with the (1-based) line it starts on, for messages. */
export interface CsvRow {
  line: number;
  cells: string[];
}

/**
 * RFC 4180 CSV as Python's csv module writes it (what locust uses): fields with commas,
 * quotes or line breaks are quoted, a quote inside is doubled; lines end in CRLF or LF.
 * An unterminated quote is an error naming the line it opened on.
 */
export function parseCsv(text: string, file: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = (): void => {
    cells.push(cell);
    // A blank line (one empty cell) is no record.
    if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && cell === '') {
      const opened = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new FileError(file, `line ${opened}: a quoted field is not closed`);
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        cell += q;
        i++;
      }
      continue;
    }
    if (c === ',') {
      cells.push(cell);
      cell = '';
      i++;
      continue;
    }
    if (c === '\r' && text[i + 1] === '\n') i++;
    if (c === '\n' || c === '\r') {
      endRow();
      i++;
      line++;
      rowLine = line;
      continue;
    }
    cell += c;
    i++;
  }
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}

/** A header row's columns by name; `required` columns must be there. */
export function columns(header: CsvRow | undefined, file: string, required: readonly string[]): Map<string, number> {
  if (header === undefined) throw new FileError(file, 'is empty, expected a CSV header');
  const index = new Map<string, number>();
  header.cells.forEach((name, k) => {
    if (!index.has(name)) index.set(name, k);
  });
  const missing = required.filter((r) => !index.has(r));
  if (missing.length > 0)
    throw new FileError(file, `line ${header.line}: the header lacks ${missing.map((m) => `"${m}"`).join(', ')}`);
  return index;
}
