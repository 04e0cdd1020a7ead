/**
 * Query templating: `{{ namespace }}`, `{{ service }}`, `{{ stable }}`, `{{ canary }}` and any
 * per-metric argument (`{{ window }}`, also spelled `{{ args.window }}` as in Argo Rollouts).
 * Values are escaped for a PromQL double-quoted string, so a name can never close the quote
 * and inject selectors; put placeholders inside quotes ("{{ canary }}") or where a plain token
 * (a duration like 5m) belongs.
 */

const PLACEHOLDER = /\{\{\s*(?:args\.)?([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g;

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Escapes a value for use inside a PromQL "…" string literal. */
export function escapePromQlString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** The placeholder names a template uses. */
export function templateNames(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

/** Fills every placeholder; an unknown placeholder is an error (never left in or replaced by ""). */
export function renderTemplate(template: string, vars: Readonly<Record<string, string>>): string {
  const leftover = /\{\{[^}]*\}?\}?/.exec(template.replace(PLACEHOLDER, ''));
  if (leftover) throw new TemplateError(`malformed placeholder ${leftover[0]} (expected {{ name }})`);
  const missing = templateNames(template).filter((n) => vars[n] === undefined);
  if (missing.length > 0) {
    throw new TemplateError(
      `query uses {{ ${missing.join(' }}, {{ ')} }} but no value was given (known: ${Object.keys(vars).sort().join(', ') || 'none'})`,
    );
  }
  return template.replace(PLACEHOLDER, (_, name: string) => escapePromQlString(vars[name] ?? ''));
}
