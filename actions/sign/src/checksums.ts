import type { Subject } from '@spikeformer-actions/supply-chain';

export type ChecksumParse = { ok: true; subjects: Subject[] } | { ok: false; line: number; problem: string };

/** Line breaks a consumer reading an output line by line would take as the end of a line. */
export const LINE_BREAK = /[\r\n\u2028\u2029]/;

/** GNU coreutils' escaping of a name in a checksum line (`\\`, `\n`, `\r`); also how the log shows names. */
export function escapeName(name: string): string {
  return name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function unescapeName(name: string): string {
  return name.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/**
 * One `sha256sum`-style line, `<algorithm>:<hex>  <name>`. A name holding a backslash, CR or
 * LF is escaped as sha256sum writes it (the line then starts with `\`), so that the line stays
 * one line and reads back to the same name. U+2028/U+2029 are refused earlier (inputs/parse).
 */
export function checksumLine(digest: string, name: string): string {
  return /[\\\r\n]/.test(name) ? `\\${digest}  ${escapeName(name)}` : `${digest}  ${name}`;
}

/**
 * Parses `sha256sum`/`sha512sum` output: `<hex>  <name>` or `<hex> *<name>` (binary mode), and
 * GNU's escaped form (`\<hex>  <name with \\, \n, \r>`). Blank lines and `#` comments are
 * skipped; the digest length picks the algorithm.
 */
export function parseChecksums(text: string): ChecksumParse {
  const subjects: Subject[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\\?)([A-Fa-f0-9]+)\s+\*?(.+)$/s.exec(line);
    if (!m || !m[2] || !m[3]) return { ok: false, line: i + 1, problem: 'expected "<hex digest>  <file name>"' };
    const hex = m[2].toLowerCase();
    const alg = hex.length === 64 ? 'sha256' : hex.length === 128 ? 'sha512' : undefined;
    if (!alg)
      return {
        ok: false,
        line: i + 1,
        problem: `digest of ${hex.length} hex characters is neither sha256 (64) nor sha512 (128)`,
      };
    const name = m[1] ? unescapeName(m[3].trim()) : m[3].trim();
    if (/[\u2028\u2029]/.test(name)) {
      return {
        ok: false,
        line: i + 1,
        problem: 'the file name holds a line separator (U+2028 or U+2029), which the outputs cannot hold one per line',
      };
    }
    subjects.push({ name, digest: { [alg]: hex } });
  }
  if (subjects.length === 0) return { ok: false, line: 1, problem: 'no checksum line' };
  return { ok: true, subjects };
}
