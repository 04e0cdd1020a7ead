import { clip } from '@spikeformer-actions/core';
import type { Finding } from './model.js';

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

/** How much of a finding's message an annotation shows (the SARIF result keeps more). */
export const ANNOTATION_MESSAGE_MAX = 1000;

/**
 * Annotations for code findings in the workspace, most severe first, at most `max`;
 * dependency findings have no line to point at and are in the summary and SARIF instead.
 * `active` is in compareFindings order (as the analysis gives it): no sort needed.
 */
export function planAnnotations(
  active: readonly Finding[],
  max: number,
): { annotations: AnnotationPlan[]; omitted: number } {
  const annotations: AnnotationPlan[] = [];
  let code = 0;
  for (const f of active) {
    const loc = f.location;
    if (f.package !== undefined || loc?.inWorkspace !== true) continue;
    code++;
    if (annotations.length >= max) continue;
    const level =
      f.severity === 'critical' || f.severity === 'high' ? 'error' : f.severity === 'medium' ? 'warning' : 'notice';
    const plan: AnnotationPlan = {
      level,
      message: `${clip(f.message, ANNOTATION_MESSAGE_MAX)}${f.helpUrl ? `\n${clip(f.helpUrl)}` : ''}`,
      title: `${f.severity}: ${f.tools.join('+')} ${clip(f.ruleId)}`,
      file: loc.path,
    };
    if (loc.line !== undefined) plan.line = loc.line;
    if (loc.endLine !== undefined) plan.endLine = loc.endLine;
    if (loc.column !== undefined) plan.column = loc.column;
    if (loc.endColumn !== undefined) plan.endColumn = loc.endColumn;
    annotations.push(plan);
  }
  return { annotations, omitted: code - annotations.length };
}
