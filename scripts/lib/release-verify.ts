// Checks a release tree before it is committed: what `uses: <repo>/<name>@<ref>` needs to run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { filesUnder } from './release-compare.ts';
import { referencePattern, unresolvedUses } from './release-tree.ts';

export interface VerifyOptions {
  repository: string;
  /** The immutable tag every inside reference must name (vX.Y.Z). */
  ref: string;
  /** Actions that must be in the tree. */
  actions: string[];
}

interface Runs {
  using?: unknown;
  main?: unknown;
  pre?: unknown;
  post?: unknown;
}

function actionProblems(tree: string, name: string): string[] {
  const file = path.join(tree, name, 'action.yml');
  if (!existsSync(file)) return [`${name}/action.yml is missing`];
  let runs: Runs;
  try {
    runs = ((parse(readFileSync(file, 'utf8')) ?? {}) as { runs?: Runs }).runs ?? {};
  } catch (error) {
    return [`${name}/action.yml: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`];
  }
  const problems: string[] = [];
  if (runs.using !== 'node24')
    problems.push(`${name}/action.yml: runs.using is ${JSON.stringify(runs.using)}, not node24`);
  if (runs.main !== 'dist/index.js')
    problems.push(`${name}/action.yml: runs.main is ${JSON.stringify(runs.main)}, not dist/index.js`);
  for (const key of ['main', 'pre', 'post'] as const) {
    const entry = runs[key];
    if (typeof entry === 'string' && !existsSync(path.join(tree, name, entry)))
      problems.push(`${name}/${entry} (runs.${key}) is missing`);
  }
  if (!existsSync(path.join(tree, name, 'dist/package.json')))
    problems.push(`${name}/dist/package.json is missing (node loads dist/ as ES modules)`);
  return problems;
}

/** A `<repo>/<path>@<ref>` reference names an action folder or a workflow file of the tree. */
function resolves(tree: string, target: string): boolean {
  return /\.ya?ml$/.test(target)
    ? existsSync(path.join(tree, target))
    : existsSync(path.join(tree, target, 'action.yml'));
}

/** Every `<repo>/<path>@<ref>` in the tree's text files (READMEs, workflows, action.yml), outside dist/ and .git/. */
export function insideReferences(
  tree: string,
  repository: string,
): { file: string; line: number; target: string; ref: string }[] {
  const found: { file: string; line: number; target: string; ref: string }[] = [];
  for (const file of filesUnder(tree)) {
    const parts = file.split('/');
    if (parts.includes('dist') || parts[0] === '.git' || !/\.(md|ya?ml)$/.test(file)) continue;
    const lines = readFileSync(path.join(tree, file), 'utf8').split('\n');
    lines.forEach((text, i) => {
      for (const m of text.matchAll(referencePattern(repository)))
        found.push({ file, line: i + 1, target: m[1] ?? '', ref: m[2] ?? '' });
    });
  }
  return found;
}

/** What stops the tree from being released, one line each; empty when it can be. */
export function verifyReleaseTree(tree: string, options: VerifyOptions): string[] {
  if (!existsSync(tree)) return [`${tree}: no release tree`];
  const problems: string[] = [];
  const present = readdirSync(tree, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(tree, e.name, 'action.yml')))
    .map((e) => e.name);
  for (const name of [...new Set([...options.actions, ...present])].sort())
    problems.push(...actionProblems(tree, name));
  for (const extra of present.filter((n) => !options.actions.includes(n)))
    problems.push(`${extra}/ is not one of the released actions`);
  problems.push(...unresolvedUses(tree, options.repository, options.ref));
  for (const r of insideReferences(tree, options.repository)) {
    const shown = `${r.file}:${r.line}: ${options.repository}/${r.target}@${r.ref}`;
    if (r.ref !== options.ref) problems.push(`${shown} does not name ${options.ref}`);
    if (!resolves(tree, r.target)) problems.push(`${shown}: no ${r.target} in the release tree`);
  }
  return problems;
}
