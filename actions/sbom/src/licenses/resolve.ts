import { namedLicense } from './aliases.js';
import { expressionText, parseExpression, type LicenseNode } from './expression.js';

/** What a package's license fields amount to: one SPDX expression, or the text that is not one. */
export interface ResolvedLicense {
  /** Canonical SPDX expression; undefined when the fields hold none (unknown). */
  expression: string | undefined;
  node: LicenseNode | undefined;
  /** The fields as found, joined with "; " ('' when there are none). */
  text: string;
}

function one(text: string): LicenseNode | undefined {
  return parseExpression(text) ?? parseExpression(namedLicense(text) ?? '');
}

/**
 * A package's license strings → one expression. Several licenses listed side by side (npm's
 * legacy `licenses` array, several Python classifiers) are alternatives, as CycloneDX's
 * component licenses are: they join with OR. Strings that are not SPDX are left out of the
 * join; when none is SPDX the package's license is unknown.
 */
export function resolveLicense(values: readonly string[]): ResolvedLicense {
  const text = values.join('; ');
  const nodes = values.map(one).filter((n): n is LicenseNode => n !== undefined);
  const first = nodes[0];
  if (first === undefined) return { expression: undefined, node: undefined, text };
  const node = nodes.slice(1).reduce<LicenseNode>((left, right) => ({ left, conjunction: 'or', right }), first);
  return { expression: expressionText(node), node, text };
}
