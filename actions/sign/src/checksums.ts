import type { Subject } from '@spikeformer-actions/supply-chain';

export type ChecksumParse = { ok: true; subjects: Subject[] } | { ok: false; line: number; problem: string };

/**
 * Parses `sha256sum`/`sha512sum` output: `<hex>  <name>` or `<hex> *<name>` (binary mode).
 * Blank lines and `#` comments are skipped; the digest length picks the algorithm.
 */
export function parseChecksums(text: string): ChecksumParse {
  const subjects: Subject[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Fa-f0-9]+)\s+\*?(.+)$/.exec(line);
    if (!m || !m[1] || !m[2]) return { ok: false, line: i + 1, problem: 'expected "<hex digest>  <file name>"' };
    const hex = m[1].toLowerCase();
    const alg = hex.length === 64 ? 'sha256' : hex.length === 128 ? 'sha512' : undefined;
    if (!alg) return { ok: false, line: i + 1, problem: `digest of ${hex.length} hex characters is neither sha256 (64) nor sha512 (128)` };
    subjects.push({ name: m[2].trim(), digest: { [alg]: hex } });
  }
  if (subjects.length === 0) return { ok: false, line: 1, problem: 'no checksum line' };
  return { ok: true, subjects };
}
