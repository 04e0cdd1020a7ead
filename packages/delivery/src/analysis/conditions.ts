import { evaluateCondition, ExpressionError } from './expression.js';
import type { Condition, MeasuredValue, MetricSpec, NoDataPolicy, Verdict } from './types.js';

export interface ValueVerdict {
  verdict: Verdict;
  reason: string;
  noData?: 'empty' | 'NaN';
}

const NO_DATA_VERDICT: Record<NoDataPolicy, Verdict> = {
  fail: 'Failed',
  inconclusive: 'Inconclusive',
  pass: 'Successful',
};

function holds(condition: Condition, values: readonly number[]): boolean {
  if (condition.kind === 'expression') return evaluateCondition(condition.ast, { result: values });
  // NaN series next to real ones carry no evidence either way; only the numbers are judged.
  const numbers = values.filter((v) => !Number.isNaN(v));
  return numbers.every(
    (v) => (condition.min === undefined || v >= condition.min) && (condition.max === undefined || v <= condition.max),
  );
}

/** For a threshold, "holds" means in range; a failure threshold fires when a value leaves its range. */
function fires(condition: Condition, values: readonly number[]): boolean {
  return condition.kind === 'threshold' ? !holds(condition, values) : holds(condition, values);
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

function shown(values: readonly number[]): string {
  const head = values.slice(0, 5).map(formatValue).join(', ');
  return values.length > 5 ? `[${head}, … ${values.length} values]` : `[${head}]`;
}

/**
 * One measurement's verdict, as Argo Rollouts evaluates it — failure first; with only a success
 * condition false means Failed; with both and neither true, Inconclusive — preceded by the
 * explicit no-data policy: an empty result or only NaN never reaches the conditions.
 */
export function judgeValues(
  values: readonly MeasuredValue[],
  spec: Pick<MetricSpec, 'success' | 'failure' | 'onNoData'>,
): ValueVerdict {
  const numbers = values.map((v) => v.value);
  if (numbers.length === 0 || numbers.every((v) => Number.isNaN(v))) {
    const kind = numbers.length === 0 ? 'empty' : 'NaN';
    const what = kind === 'empty' ? 'empty result (no series matched)' : 'only NaN values (e.g. 0/0: no traffic)';
    return {
      verdict: NO_DATA_VERDICT[spec.onNoData],
      reason: `no data: ${what}; on-no-data is ${spec.onNoData}`,
      noData: kind,
    };
  }
  const { success, failure } = spec;
  try {
    if (failure && fires(failure, numbers))
      return { verdict: 'Failed', reason: `${shown(numbers)} meets the failure condition ${failure.source}` };
    if (success) {
      if (holds(success, numbers))
        return { verdict: 'Successful', reason: `${shown(numbers)} meets the success condition ${success.source}` };
      if (!failure)
        return { verdict: 'Failed', reason: `${shown(numbers)} does not meet the success condition ${success.source}` };
      return {
        verdict: 'Inconclusive',
        reason: `${shown(numbers)} meets neither ${success.source} nor the failure condition ${failure.source}`,
      };
    }
    if (failure)
      return {
        verdict: 'Successful',
        reason: `${shown(numbers)} does not meet the failure condition ${failure.source}`,
      };
    return { verdict: 'Error', reason: 'the metric has no success or failure condition' };
  } catch (error) {
    if (error instanceof ExpressionError)
      return { verdict: 'Error', reason: `condition could not be evaluated on ${shown(numbers)}: ${error.message}` };
    throw error;
  }
}
