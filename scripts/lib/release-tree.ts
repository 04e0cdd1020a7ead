import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const DEFAULT_REPOSITORY = 'org/spikeformer-actions';

/**
 * `<repo>/<path>@<ref>` references: group 1 the path, group 2 the ref. A ref ends in a word
 * character or `-`, so the full stop after "…/sign@v1." in a sentence stays out of it.
 */
export function referencePattern(repository: string): RegExp {
  const escaped = repository.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`(?<![\\w.-])${escaped}/([\\w./-]*[\\w-])@([\\w./-]*[\\w-])`, 'g');
}

/** Rewrites every `<repo>/<path>@<ref>` reference to the release ref. */
export function rewriteRefs(text: string, repository: string, ref: string): string {
  return text.replace(referencePattern(repository), (_all, target: string) => `${repository}/${target}@${ref}`);
}

function usesIn(value: unknown, found: string[]): string[] {
  if (Array.isArray(value)) for (const v of value) usesIn(v, found);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'uses' && typeof v === 'string') found.push(v);
      else usesIn(v, found);
    }
  }
  return found;
}

/**
 * Every `uses:` in the tree's workflows that names this repository, checked the way GitHub
 * resolves it at the ref: `<repo>/<dir>@ref` needs <dir>/action.yml whose runs.main (and
 * post/pre) exist; `<repo>/.github/workflows/x.yml@ref` needs that file.
 */
export function unresolvedUses(tree: string, repository: string, ref: string): string[] {
  const problems: string[] = [];
  const workflows = path.join(tree, '.github/workflows');
  const files = existsSync(workflows)
    ? readdirSync(workflows, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
        .map((e) => path.join(e.parentPath, e.name))
    : [];
  for (const file of files) {
    const shown = path.relative(tree, file);
    for (const uses of usesIn(parse(readFileSync(file, 'utf8')) as unknown, [])) {
      if (!uses.startsWith(`${repository}/`)) continue;
      const at = uses.lastIndexOf('@');
      const target = uses.slice(repository.length + 1, at);
      const usedRef = uses.slice(at + 1);
      if (usedRef !== ref) problems.push(`${shown}: ${uses} does not use the release ref ${ref}`);
      if (/\.ya?ml$/.test(target)) {
        if (!existsSync(path.join(tree, target))) problems.push(`${shown}: ${uses}: no ${target} in the release tree`);
        continue;
      }
      const actionYml = path.join(tree, target, 'action.yml');
      if (!existsSync(actionYml)) {
        problems.push(`${shown}: ${uses}: no ${target}/action.yml in the release tree`);
        continue;
      }
      const runs = (parse(readFileSync(actionYml, 'utf8')) as { runs?: Record<string, string> }).runs ?? {};
      for (const key of ['main', 'pre', 'post']) {
        const entry = runs[key];
        if (entry && !existsSync(path.join(tree, target, entry)))
          problems.push(`${shown}: ${uses}: ${target}/${entry} (runs.${key}) is missing`);
      }
    }
  }
  return problems;
}
