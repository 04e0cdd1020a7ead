// The context references inside one `${{ }}` expression, read with GitHub's own expression
// parser (@actions/expressions): `inputs.x`, `secrets['X']`, `steps.s.outputs.y` all become a
// context name plus the literal path after it.
import { Lexer, Parser, type Expr } from '@actions/expressions';
import {
  ContextAccess,
  FunctionCall,
  Binary,
  Grouping,
  IndexAccess,
  Literal,
  Logical,
  Unary,
} from '@actions/expressions/ast';

/** Contexts the workflow syntax allows somewhere; the parser refuses any other name. */
export const CONTEXTS = [
  'github',
  'env',
  'vars',
  'job',
  'jobs',
  'steps',
  'runner',
  'secrets',
  'strategy',
  'matrix',
  'needs',
  'inputs',
];

/** Status functions of workflow conditions, which the expression library leaves to its host. */
export const STATUS_FUNCTIONS = [
  { name: 'success', minArgs: 0, maxArgs: 0 },
  { name: 'failure', minArgs: 0, maxArgs: 0 },
  { name: 'cancelled', minArgs: 0, maxArgs: 0 },
  { name: 'always', minArgs: 0, maxArgs: 0 },
  { name: 'hashFiles', minArgs: 1, maxArgs: 255 },
];

/** A context access: `steps.build.outputs.file` is context `steps`, path `['build', 'outputs', 'file']`. */
export interface ContextRef {
  context: string;
  /** Literal members after the context, up to the first computed index or `*`. */
  path: string[];
}

export function parseExpression(text: string): Expr {
  const { tokens } = new Lexer(text).lex();
  return new Parser(tokens, CONTEXTS, STATUS_FUNCTIONS).parse();
}

/** Every context access in an expression, outermost first. */
export function contextRefs(text: string): ContextRef[] {
  const found: ContextRef[] = [];
  collect(parseExpression(text), found);
  return found;
}

function collect(node: Expr, found: ContextRef[]): void {
  if (node instanceof IndexAccess || node instanceof ContextAccess) {
    const chain = accessChain(node);
    if (chain) {
      found.push(chain.ref);
      // Computed indexes (`steps[matrix.id]`) hold references of their own.
      for (const index of chain.computed) collect(index, found);
      return;
    }
  }
  if (node instanceof IndexAccess) {
    collect(node.expr, found);
    collect(node.index, found);
  } else if (node instanceof FunctionCall) {
    for (const arg of node.args) collect(arg, found);
  } else if (node instanceof Logical) {
    for (const arg of node.args) collect(arg, found);
  } else if (node instanceof Binary) {
    collect(node.left, found);
    collect(node.right, found);
  } else if (node instanceof Unary) {
    collect(node.expr, found);
  } else if (node instanceof Grouping) {
    collect(node.group, found);
  }
}

/** `a.b['c'][x]` → context a, path [b, c] (stops at the computed index x). */
function accessChain(node: Expr): { ref: ContextRef; computed: Expr[] } | undefined {
  const indexes: Expr[] = [];
  let current: Expr = node;
  while (current instanceof IndexAccess) {
    indexes.unshift(current.index);
    current = current.expr;
  }
  if (!(current instanceof ContextAccess)) return undefined;
  const path: string[] = [];
  const computed: Expr[] = [];
  let literal = true;
  for (const index of indexes) {
    if (
      literal &&
      index instanceof Literal &&
      typeof index.literal.coerceString === 'function' &&
      index.literal.primitive
    ) {
      path.push(index.literal.coerceString());
    } else {
      literal = false;
      if (!(index instanceof Literal)) computed.push(index);
    }
  }
  return { ref: { context: current.name.lexeme.toLowerCase(), path }, computed };
}
