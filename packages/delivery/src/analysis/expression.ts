/**
 * A small, safe condition language for metric results (no `eval`, no property access,
 * no user-defined functions): what Argo Rollouts users write with expr-lang, e.g.
 *   result[0] >= 0.95        len(result) == 0 || isNaN(result[0])        max(result) < 0.05 && min(result) > 0
 * Values are numbers, booleans or lists of numbers (`result`: one value per series).
 * A one-element list is used as its element where a number is expected, so `result < 0.05`
 * works for a scalar or a single-series vector, as in Argo.
 */

export type Value = number | boolean | readonly number[];

export type Node =
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'name'; name: string; at: number }
  | { type: 'index'; target: Node; index: Node; at: number }
  | { type: 'call'; name: string; args: Node[]; at: number }
  | { type: 'unary'; op: '-' | '!'; operand: Node; at: number }
  | { type: 'binary'; op: BinaryOp; left: Node; right: Node; at: number };

type BinaryOp = '+' | '-' | '*' | '/' | '%' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&&' | '||';

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(position === undefined ? message : `${message} (at column ${position + 1})`);
    this.name = 'ExpressionError';
  }
}

interface Token {
  kind: 'number' | 'name' | 'op' | 'end';
  text: string;
  at: number;
}

const OPERATORS = ['<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '!', '(', ')', '[', ']', ','];
// Maps, not object literals: a name like `constructor` must not find Object.prototype members.
const WORD_OPERATORS = new Map([
  ['and', '&&'],
  ['or', '||'],
  ['not', '!'],
]);
const MAX_SOURCE = 2_000;
const MAX_DEPTH = 64;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const number = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0], at: i });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (word) {
      const op = WORD_OPERATORS.get(word[0]);
      tokens.push(op ? { kind: 'op', text: op, at: i } : { kind: 'name', text: word[0], at: i });
      i += word[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new ExpressionError(`unexpected character ${JSON.stringify(c)}`, i);
    tokens.push({ kind: 'op', text: op, at: i });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: '', at: source.length });
  return tokens;
}

// Binding powers, lowest first; all binary operators are left-associative.
const BINARY = new Map<string, number>(
  Object.entries({
    '||': 1,
    '&&': 2,
    '==': 3,
    '!=': 3,
    '<': 4,
    '<=': 4,
    '>': 4,
    '>=': 4,
    '+': 5,
    '-': 5,
    '*': 6,
    '/': 6,
    '%': 6,
  }),
);

/** Parses a condition; throws ExpressionError naming the column of the problem. */
export function parseExpression(source: string): Node {
  if (source.length > MAX_SOURCE) throw new ExpressionError(`expression longer than ${MAX_SOURCE} characters`);
  const tokens = tokenize(source);
  let pos = 0;
  const peek = (): Token => tokens[pos] ?? { kind: 'end', text: '', at: source.length };
  const next = (): Token => {
    const t = peek();
    pos++;
    return t;
  };
  const expect = (text: string): void => {
    const t = next();
    if (t.text !== text || t.kind !== 'op')
      throw new ExpressionError(`expected "${text}" but found ${describe(t)}`, t.at);
  };

  const primary = (depth: number): Node => {
    if (depth > MAX_DEPTH) throw new ExpressionError('expression nested too deeply', peek().at);
    const t = next();
    let node: Node;
    if (t.kind === 'number') {
      node = { type: 'number', value: Number(t.text) };
    } else if (t.kind === 'name') {
      if (t.text === 'true' || t.text === 'false') node = { type: 'boolean', value: t.text === 'true' };
      else if (t.text === 'NaN') node = { type: 'number', value: Number.NaN };
      else if (t.text === 'Inf') node = { type: 'number', value: Number.POSITIVE_INFINITY };
      else if (peek().text === '(' && peek().kind === 'op') {
        next();
        const args: Node[] = [];
        if (peek().text !== ')') {
          for (;;) {
            args.push(binary(0, depth + 1));
            if (peek().text !== ',') break;
            next();
          }
        }
        expect(')');
        node = { type: 'call', name: t.text, args, at: t.at };
      } else node = { type: 'name', name: t.text, at: t.at };
    } else if (t.kind === 'op' && t.text === '(') {
      node = binary(0, depth + 1);
      expect(')');
    } else if (t.kind === 'op' && (t.text === '-' || t.text === '!')) {
      return { type: 'unary', op: t.text, operand: primary(depth + 1), at: t.at };
    } else if (t.kind === 'op' && t.text === '+') {
      return primary(depth + 1);
    } else {
      throw new ExpressionError(`expected a value but found ${describe(t)}`, t.at);
    }
    while (peek().kind === 'op' && peek().text === '[') {
      const open = next();
      const index = binary(0, depth + 1);
      expect(']');
      node = { type: 'index', target: node, index, at: open.at };
    }
    return node;
  };

  const binary = (minPower: number, depth: number): Node => {
    let left = primary(depth);
    for (;;) {
      const t = peek();
      const power = t.kind === 'op' ? BINARY.get(t.text) : undefined;
      if (power === undefined || power <= minPower) return left;
      next();
      const right = binary(power, depth + 1);
      left = { type: 'binary', op: t.text as BinaryOp, left, right, at: t.at };
    }
  };

  const tree = binary(0, 0);
  const rest = peek();
  if (rest.kind !== 'end') throw new ExpressionError(`unexpected ${describe(rest)}`, rest.at);
  validateNames(tree);
  return tree;
}

function describe(t: Token): string {
  return t.kind === 'end' ? 'the end of the expression' : `"${t.text}"`;
}

type Fn = (args: Value[], at: number) => Value;

const list = (v: Value, fn: string, at: number): readonly number[] => {
  if (typeof v === 'number') return [v];
  if (typeof v === 'boolean') throw new ExpressionError(`${fn}() needs numbers, got a boolean`, at);
  return v;
};
const nonEmpty = (v: Value, fn: string, at: number): readonly number[] => {
  const values = list(v, fn, at);
  if (values.length === 0) throw new ExpressionError(`${fn}() of an empty result`, at);
  return values;
};

const FUNCTIONS = new Map<string, { arity: number; fn: Fn }>(
  Object.entries({
    len: { arity: 1, fn: ([v], at) => list(v ?? [], 'len', at).length },
    isNaN: { arity: 1, fn: ([v], at) => Number.isNaN(asNumber(v ?? [], at)) },
    isInf: {
      arity: 1,
      fn: ([v], at) => !Number.isNaN(asNumber(v ?? [], at)) && !Number.isFinite(asNumber(v ?? [], at)),
    },
    abs: { arity: 1, fn: ([v], at) => Math.abs(asNumber(v ?? [], at)) },
    min: { arity: 1, fn: ([v], at) => Math.min(...nonEmpty(v ?? [], 'min', at)) },
    max: { arity: 1, fn: ([v], at) => Math.max(...nonEmpty(v ?? [], 'max', at)) },
    sum: { arity: 1, fn: ([v], at) => list(v ?? [], 'sum', at).reduce((a, b) => a + b, 0) },
    avg: {
      arity: 1,
      fn: ([v], at) => {
        const values = nonEmpty(v ?? [], 'avg', at);
        return values.reduce((a, b) => a + b, 0) / values.length;
      },
    },
    // any/all over a list compared with a threshold are spelled min()/max(); these test NaN-free data.
    allFinite: { arity: 1, fn: ([v], at) => list(v ?? [], 'allFinite', at).every((x) => Number.isFinite(x)) },
  } satisfies Record<string, { arity: number; fn: Fn }>),
);

/** Names a condition may use; anything else is a configuration error found before any query runs. */
export const EXPRESSION_FUNCTIONS: readonly string[] = [...FUNCTIONS.keys()];

function validateNames(node: Node): void {
  switch (node.type) {
    case 'call': {
      const f = FUNCTIONS.get(node.name);
      if (!f)
        throw new ExpressionError(
          `unknown function ${node.name}(); known: ${EXPRESSION_FUNCTIONS.join(', ')}`,
          node.at,
        );
      if (node.args.length !== f.arity)
        throw new ExpressionError(`${node.name}() takes ${f.arity} argument(s), got ${node.args.length}`, node.at);
      node.args.forEach(validateNames);
      return;
    }
    case 'index':
      validateNames(node.target);
      validateNames(node.index);
      return;
    case 'unary':
      validateNames(node.operand);
      return;
    case 'binary':
      validateNames(node.left);
      validateNames(node.right);
      return;
    default:
      return;
  }
}

/** Every variable name an expression reads (to check them against what the evaluator provides). */
export function namesIn(node: Node, into: Set<string> = new Set()): Set<string> {
  switch (node.type) {
    case 'name':
      into.add(node.name);
      break;
    case 'call':
      node.args.forEach((a) => namesIn(a, into));
      break;
    case 'index':
      namesIn(node.target, into);
      namesIn(node.index, into);
      break;
    case 'unary':
      namesIn(node.operand, into);
      break;
    case 'binary':
      namesIn(node.left, into);
      namesIn(node.right, into);
      break;
    default:
      break;
  }
  return into;
}

function asNumber(v: Value, at: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') throw new ExpressionError('expected a number, got a boolean', at);
  if (v.length === 1) return v[0] ?? Number.NaN;
  throw new ExpressionError(
    `expected one number, got a result with ${v.length} values (use result[i], min(), max() or len())`,
    at,
  );
}

function asBoolean(v: Value, at: number): boolean {
  if (typeof v === 'boolean') return v;
  throw new ExpressionError('expected a condition (true/false), got a number', at);
}

/** Evaluates a parsed condition; errors (index out of range, type mismatch) throw ExpressionError. */
export function evaluateExpression(node: Node, scope: Readonly<Record<string, Value>>): Value {
  switch (node.type) {
    case 'number':
    case 'boolean':
      return node.value;
    case 'name': {
      const v = Object.hasOwn(scope, node.name) ? scope[node.name] : undefined;
      if (v === undefined) throw new ExpressionError(`unknown name ${node.name}`, node.at);
      return v;
    }
    case 'index': {
      const target = evaluateExpression(node.target, scope);
      const index = asNumber(evaluateExpression(node.index, scope), node.at);
      if (typeof target !== 'object') throw new ExpressionError('only a result list can be indexed', node.at);
      if (!Number.isInteger(index) || index < 0 || index >= target.length) {
        throw new ExpressionError(`index ${index} out of range: the result has ${target.length} value(s)`, node.at);
      }
      return target[index] ?? Number.NaN;
    }
    case 'call': {
      const f = FUNCTIONS.get(node.name);
      if (!f) throw new ExpressionError(`unknown function ${node.name}()`, node.at);
      return f.fn(
        node.args.map((a) => evaluateExpression(a, scope)),
        node.at,
      );
    }
    case 'unary': {
      const v = evaluateExpression(node.operand, scope);
      return node.op === '!' ? !asBoolean(v, node.at) : -asNumber(v, node.at);
    }
    case 'binary':
      return evaluateBinary(node, scope);
  }
}

function evaluateBinary(node: Extract<Node, { type: 'binary' }>, scope: Readonly<Record<string, Value>>): Value {
  // Short-circuit so `len(result) > 0 && result[0] < 1` never indexes an empty result.
  if (node.op === '&&')
    return (
      asBoolean(evaluateExpression(node.left, scope), node.at) &&
      asBoolean(evaluateExpression(node.right, scope), node.at)
    );
  if (node.op === '||')
    return (
      asBoolean(evaluateExpression(node.left, scope), node.at) ||
      asBoolean(evaluateExpression(node.right, scope), node.at)
    );
  const l = evaluateExpression(node.left, scope);
  const r = evaluateExpression(node.right, scope);
  if ((node.op === '==' || node.op === '!=') && typeof l === 'boolean' && typeof r === 'boolean') {
    return node.op === '==' ? l === r : l !== r;
  }
  const a = asNumber(l, node.at);
  const b = asNumber(r, node.at);
  switch (node.op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

/** Evaluates a condition that must give true or false. */
export function evaluateCondition(node: Node, scope: Readonly<Record<string, Value>>): boolean {
  const v = evaluateExpression(node, scope);
  if (typeof v !== 'boolean')
    throw new ExpressionError('the condition gives a number, not true/false (compare it, e.g. result < 0.05)');
  return v;
}
