import parse, { type LicenseLeaf, type LicenseNode } from 'spdx-expression-parse';
import satisfies from 'spdx-satisfies';

/** SPDX license expressions: parsing with spdx-expression-parse, matching with spdx-satisfies. */

/** Longer license "expressions" are license texts pasted into a metadata field, never expressions. */
export const MAX_EXPRESSION_LENGTH = 1000;
/** An expression offering more alternatives than this (after expanding AND over OR) is judged unknown. */
const MAX_BRANCHES = 512;

export type { LicenseLeaf, LicenseNode };

/** The parsed expression, or undefined when the text is not an SPDX license expression. */
export function parseExpression(text: string): LicenseNode | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.length > MAX_EXPRESSION_LENGTH) return undefined;
  try {
    return parse(trimmed);
  } catch {
    return undefined;
  }
}

export function isLeaf(node: LicenseNode): node is LicenseLeaf {
  return 'license' in node;
}

/** A single license as spdx-satisfies reads it: `GPL-2.0+`, `Apache-2.0 WITH LLVM-exception`. */
export function leafText(leaf: LicenseLeaf): string {
  return `${leaf.license}${leaf.plus ? '+' : ''}${leaf.exception === undefined ? '' : ` WITH ${leaf.exception}`}`;
}

/** The expression in canonical form (upper-case AND/OR, parentheses only where needed). */
export function expressionText(node: LicenseNode, parent?: 'and' | 'or'): string {
  if (isLeaf(node)) return leafText(node);
  const text = `${expressionText(node.left, node.conjunction)} ${node.conjunction.toUpperCase()} ${expressionText(node.right, node.conjunction)}`;
  return parent !== undefined && parent !== node.conjunction ? `(${text})` : text;
}

/** The alternatives of an expression: each a set of licenses that must all be complied with. */
export function alternatives(node: LicenseNode): LicenseLeaf[][] | undefined {
  if (isLeaf(node)) return [[node]];
  const left = alternatives(node.left);
  const right = alternatives(node.right);
  if (left === undefined || right === undefined) return undefined;
  if (node.conjunction === 'or') return left.length + right.length > MAX_BRANCHES ? undefined : [...left, ...right];
  if (left.length * right.length > MAX_BRANCHES) return undefined;
  return left.flatMap((l) => right.map((r) => [...l, ...r]));
}

/** Whether one license is among `listed` (single licenses; `+` ranges and -or-later as spdx-satisfies reads them). */
export function licenseListed(leaf: LicenseLeaf, listed: readonly string[]): boolean {
  return listed.length > 0 && satisfies(leafText(leaf), [...listed]);
}
