import { describe, expect, it } from 'vitest';
import {
  evaluateCondition,
  evaluateExpression,
  ExpressionError,
  namesIn,
  parseExpression,
} from '../../src/analysis/expression.js';

const run = (source: string, result: readonly number[]): boolean =>
  evaluateCondition(parseExpression(source), { result });

describe('expression language', () => {
  it('evaluates Argo-style conditions over result', () => {
    expect(run('result[0] >= 0.95', [0.97])).toBe(true);
    expect(run('result[0] >= 0.95', [0.9])).toBe(false);
    expect(run('result < 0.05', [0.01])).toBe(true); // a single value stands for itself
    expect(run('max(result) < 0.05 && min(result) >= 0', [0.01, 0.04])).toBe(true);
    expect(run('max(result) < 0.05 and not (min(result) < 0)', [0.01, 0.06])).toBe(false);
    expect(run('len(result) == 0 || isNaN(result[0])', [])).toBe(true);
    expect(run('len(result) == 0 || isNaN(result[0])', [Number.NaN])).toBe(true);
    expect(run('isInf(result[0])', [Number.POSITIVE_INFINITY])).toBe(true);
    expect(run('avg(result) * 100 > 2 * 300 - 1', [6, 4])).toBe(false);
    expect(run('sum(result) == 10 && abs(-2) == 2 && 7 % 4 == 3', [6, 4])).toBe(true);
    expect(run('allFinite(result)', [1, Number.NaN])).toBe(false);
    expect(run('1e-3 < result[1]', [0, 0.002])).toBe(true);
  });

  it('respects precedence and left associativity', () => {
    expect(evaluateExpression(parseExpression('10 - 4 - 3'), {})).toBe(3);
    expect(evaluateExpression(parseExpression('2 + 3 * 4'), {})).toBe(14);
    expect(evaluateExpression(parseExpression('(2 + 3) * 4'), {})).toBe(20);
    expect(evaluateExpression(parseExpression('-2 * -3'), {})).toBe(6);
    expect(evaluateExpression(parseExpression('true || false && false'), {})).toBe(true);
  });

  it('short-circuits so a guarded index never errors', () => {
    expect(run('len(result) > 0 && result[0] < 1', [])).toBe(false);
  });

  it('reports syntax errors with the column', () => {
    expect(() => parseExpression('result[0] >= ')).toThrow(
      /expected a value but found the end of the expression \(at column 14\)/,
    );
    expect(() => parseExpression('result[0] => 1')).toThrow(/unexpected character "=" \(at column 11\)/);
    expect(() => parseExpression('result[0] < 1)')).toThrow(/unexpected "\)"/);
    expect(() => parseExpression('result.length')).toThrow(ExpressionError);
    expect(() => parseExpression("result[0] < '1'")).toThrow(/unexpected character "'"/);
  });

  it('refuses anything that is not part of the language (no eval, no property access, no unknown calls)', () => {
    expect(() => parseExpression('constructor(1)')).toThrow(/unknown function constructor/);
    expect(() => parseExpression('toString(result) > 1')).toThrow(/unknown function toString/);
    expect(() => evaluateExpression(parseExpression('constructor > 1 || __proto__ > 1'), {})).toThrow(
      /unknown name constructor/,
    );
    expect(() => parseExpression('process.exit(1)')).toThrow(ExpressionError);
    expect(() => parseExpression('len(result, 2)')).toThrow(/takes 1 argument/);
    expect(() => parseExpression('('.repeat(100) + '1' + ')'.repeat(100))).toThrow(/nested too deeply/);
    expect(() => parseExpression('1+'.repeat(1500) + '1')).toThrow(/longer than/);
  });

  it('gives evaluation errors for out-of-range indexes and type mismatches', () => {
    expect(() => run('result[0] < 1', [])).toThrow(/index 0 out of range: the result has 0 value/);
    expect(() => run('result < 1', [1, 2])).toThrow(/got a result with 2 values/);
    expect(() => run('result[0]', [1])).toThrow(/gives a number, not true\/false/);
    expect(() => run('!result[0]', [1])).toThrow(/expected a condition/);
    expect(() => run('max(result) > 1', [])).toThrow(/max\(\) of an empty result/);
    expect(() => evaluateExpression(parseExpression('foo > 1'), {})).toThrow(/unknown name foo/);
  });

  it('lists the names an expression reads', () => {
    expect([...namesIn(parseExpression('len(result) > 0 && result[0] < limit'))].sort()).toEqual(['limit', 'result']);
  });
});
