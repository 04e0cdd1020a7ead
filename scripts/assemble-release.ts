// Assembles the release tree that `uses: org/spikeformer-actions/<name>@v1` resolves against:
// <name>/action.yml + <name>/dist/ + README at the root, reusable workflows under
// .github/workflows/, the root README (every reference in READMEs and workflows rewritten to the
// release ref), LICENSE and CHANGELOG.md.
// Usage: node scripts/assemble-release.ts <dir> [--ref v1] [--repository org/spikeformer-actions]
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { actionNames, actionsDir, repoRoot } from './lib/actions.ts';
import { DEFAULT_REPOSITORY, rewriteRefs, unresolvedUses } from './lib/release-tree.ts';

export interface AssembleOptions {
  ref: string;
  repository: string;
}

export function assembleRelease(
  out: string,
  options: AssembleOptions,
): { actions: string[]; workflows: string[]; problems: string[] } {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const actions = actionNames();
  const problems: string[] = [];
  for (const name of actions) {
    const src = path.join(actionsDir, name);
    if (!existsSync(path.join(src, 'dist/index.js'))) {
      problems.push(`actions/${name}: dist/index.js is missing (run the bundle first)`);
      continue;
    }
    mkdirSync(path.join(out, name));
    cpSync(path.join(src, 'action.yml'), path.join(out, name, 'action.yml'));
    cpSync(path.join(src, 'dist'), path.join(out, name, 'dist'), { recursive: true });
    if (existsSync(path.join(src, 'README.md'))) {
      writeFileSync(
        path.join(out, name, 'README.md'),
        rewriteRefs(readFileSync(path.join(src, 'README.md'), 'utf8'), options.repository, options.ref),
      );
    }
  }
  const workflowsSrc = path.join(repoRoot, 'workflows-examples');
  const workflows: string[] = [];
  if (existsSync(workflowsSrc)) {
    const target = path.join(out, '.github/workflows');
    mkdirSync(target, { recursive: true });
    for (const entry of readdirSync(workflowsSrc, { withFileTypes: true })) {
      if (!entry.isFile() || !/\.ya?ml$/.test(entry.name)) continue;
      const text = readFileSync(path.join(workflowsSrc, entry.name), 'utf8');
      writeFileSync(path.join(target, entry.name), rewriteRefs(text, options.repository, options.ref));
      workflows.push(entry.name);
    }
  }
  if (existsSync(path.join(repoRoot, 'README.md'))) {
    writeFileSync(
      path.join(out, 'README.md'),
      rewriteRefs(readFileSync(path.join(repoRoot, 'README.md'), 'utf8'), options.repository, options.ref),
    );
  }
  for (const file of ['LICENSE', 'CHANGELOG.md']) {
    if (existsSync(path.join(repoRoot, file))) cpSync(path.join(repoRoot, file), path.join(out, file));
  }
  problems.push(...unresolvedUses(out, options.repository, options.ref));
  return { actions, workflows, problems };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? (args.splice(i, 2)[1] ?? fallback) : fallback;
  };
  const ref = flag('--ref', 'v1');
  const repository = flag('--repository', DEFAULT_REPOSITORY);
  const out = args[0];
  if (!out) {
    console.error('usage: node scripts/assemble-release.ts <dir> [--ref v1] [--repository org/spikeformer-actions]');
    process.exit(2);
  }
  const result = assembleRelease(path.resolve(out), { ref, repository });
  for (const p of result.problems) console.error(p);
  console.log(
    `assembled ${result.actions.length} actions and ${result.workflows.length} workflows into ${out} at ${ref}`,
  );
  process.exit(result.problems.length === 0 ? 0 : 1);
}
