import { compareFindings, type Finding } from './model.js';

export interface AnnotationPlan {
  level: 'error' | 'warning' | 'notice';
  message: string;
  title: string;
  file: string;
  line?: number;
  endLine?: number;
  column?: number;
  endColumn?: number;
}

/**
 * Annotations for code findings in the workspace, most severe first, at most `max`;
 * dependency findings have no line to point at and are in the summary and SARIF instead.
 */
export function planAnnotations(active: readonly Finding[], max: number): { annotations: AnnotationPlan[]; omitted: number } {
  const code = active.filter((f) => f.package === undefined && f.location?.inWorkspace === true).sort(compareFindings);
  const annotations = code.slice(0, max).map((f): AnnotationPlan => {
    const loc = f.location;
    const level = f.severity === 'critical' || f.severity === 'high' ? 'error' : f.severity === 'medium' ? 'warning' : 'notice';
    const plan: AnnotationPlan = {
      level,
      message: `${f.message}${f.helpUrl ? `\n${f.helpUrl}` : ''}`,
      title: `${f.severity}: ${f.tools.join('+')} ${f.ruleId}`,
      file: loc?.path ?? '',
    };
    if (loc?.line !== undefined) plan.line = loc.line;
    if (loc?.endLine !== undefined) plan.endLine = loc.endLine;
    if (loc?.column !== undefined) plan.column = loc.column;
    if (loc?.endColumn !== undefined) plan.endColumn = loc.endColumn;
    return plan;
  });
  return { annotations, omitted: code.length - annotations.length };
}
