import type { LabelSelector } from './types.js';

/** The `-l` string for a LabelSelector or a plain label map (Service selectors are maps). */
export function selectorString(selector: LabelSelector | Record<string, string> | undefined): string {
  if (!selector) return '';
  const isLabelSelector = 'matchLabels' in selector || 'matchExpressions' in selector;
  const matchLabels = isLabelSelector
    ? ((selector as LabelSelector).matchLabels ?? {})
    : (selector as Record<string, string>);
  const parts = Object.entries(matchLabels).map(([k, v]) => `${k}=${v}`);
  if (isLabelSelector) {
    for (const e of (selector as LabelSelector).matchExpressions ?? []) {
      if (e.operator === 'Exists') parts.push(e.key);
      else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
      else parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(',')})`);
    }
  }
  return parts.join(',');
}
