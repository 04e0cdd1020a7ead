// Bundles each action twice, into two fresh folders, and compares the bytes: a release can be
// rebuilt from its commit and compared with what was published.
// Usage: node scripts/check-reproducible.ts [name…]   (no names: all actions). Exit 1 on a difference.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleActions } from './bundle.ts';
import { actionNames, actionsDir } from './lib/actions.ts';
import { treeDifferences } from './lib/release-compare.ts';

/** Differences between two bundles of each named action, as `<name>/<file>: …` lines. */
export async function reproducibilityProblems(names: string[]): Promise<string[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'sf-reproducible-'));
  try {
    const problems: string[] = [];
    for (const round of ['a', 'b']) {
      const failed = await bundleActions(names, (name) => path.join(root, round, name));
      problems.push(...failed.map((name) => `${name}: bundle ${round} failed`));
    }
    if (problems.length > 0) return problems;
    for (const name of names) {
      problems.push(
        ...treeDifferences(path.join(root, 'a', name), path.join(root, 'b', name)).map((p) => `${name}/dist/${p}`),
      );
    }
    return problems;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const requested = process.argv.slice(2);
  const names = requested.length > 0 ? requested : actionNames();
  const unknown = names.filter((n) => !existsSync(path.join(actionsDir, n, 'action.yml')));
  if (unknown.length > 0) {
    console.error(`check-reproducible: no action named ${unknown.join(', ')}`);
    process.exit(2);
  }
  const problems = await reproducibilityProblems(names);
  for (const p of problems) console.error(`::error::not reproducible: ${p}`);
  console.log(
    problems.length === 0
      ? `reproducible: ${names.length} actions bundled twice, byte-identical`
      : `${problems.length} differences`,
  );
  process.exit(problems.length === 0 ? 0 : 1);
}
