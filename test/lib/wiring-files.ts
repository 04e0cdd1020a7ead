// Which files the wiring check reads: the reusable workflows, the example callers, and the
// complete callers the docs show (every ```yaml block of a docs page that calls a template).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkWiring, type ExplicitSecretAllowance } from './wiring-check.ts';
import { readWorkflow, type WorkflowModel } from './wiring-model.ts';

export interface WorkflowText {
  /** Shown in problems: a repository path, or `docs/x.md#n` for the n-th block of a page. */
  file: string;
  content: string;
}

export function templateTexts(repoRoot: string): WorkflowText[] {
  return yamlIn(repoRoot, 'workflows-examples');
}

export function exampleTexts(repoRoot: string): WorkflowText[] {
  return yamlIn(repoRoot, 'workflows-examples/examples');
}

function yamlIn(repoRoot: string, dir: string): WorkflowText[] {
  const full = path.join(repoRoot, dir);
  return readdirSync(full, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => ({ file: `${dir}/${name}`, content: readFileSync(path.join(full, name), 'utf8') }));
}

/** The ```yaml blocks of a Markdown page that are workflows (they have `jobs:`). */
export function docWorkflows(repoRoot: string, page: string): WorkflowText[] {
  const file = path.join(repoRoot, page);
  if (!existsSync(file)) return [];
  const blocks = [...readFileSync(file, 'utf8').matchAll(/^```ya?ml\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
  return blocks.flatMap((content, i) => (/^jobs:/m.test(content) ? [{ file: `${page}#${i + 1}`, content }] : []));
}

export function templateModels(repoRoot: string, texts = templateTexts(repoRoot)): Map<string, WorkflowModel> {
  return new Map(texts.map((t) => [path.basename(t.file), readWorkflow(t.file, t.content)]));
}

/** Problems of the given workflows, wired against the given templates. */
export function wiringProblems(
  repoRoot: string,
  files: WorkflowText[],
  templates: Map<string, WorkflowModel>,
  explicitSecrets: ExplicitSecretAllowance[] = [],
): string[] {
  return files.flatMap((f) => checkWiring(readWorkflow(f.file, f.content), { repoRoot, templates, explicitSecrets }));
}
