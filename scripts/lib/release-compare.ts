import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every file under dir, as sorted '/'-separated relative paths. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/**
 * How two trees differ, one line per file: only in one of them, or different bytes (with the first
 * differing offset).
 */
export function treeDifferences(a: string, b: string): string[] {
  const left = filesUnder(a);
  const right = new Set(filesUnder(b));
  const problems: string[] = [];
  for (const file of left) {
    if (!right.delete(file)) {
      problems.push(`${file}: only in the first bundle`);
      continue;
    }
    const x = readFileSync(path.join(a, file));
    const y = readFileSync(path.join(b, file));
    if (x.equals(y)) continue;
    let at = 0;
    while (at < x.length && at < y.length && x[at] === y[at]) at++;
    problems.push(`${file}: differs at byte ${at} (${x.length} and ${y.length} bytes)`);
  }
  for (const file of right) problems.push(`${file}: only in the second bundle`);
  return problems;
}
