import { describe, expect, it } from 'vitest';
import { checkPlan, checkRouterPlan, parseSteps, replicaSplit } from '../src/plan.js';

describe('weight plan', () => {
  it('parses weights with or without %', () => {
    expect(parseSteps(['10', '50%', ' 100 '])).toEqual({ ok: true, value: [10, 50, 100] });
    expect(parseSteps(['ten'])).toMatchObject({
      ok: false,
      problem: '"ten" is not a weight (a percentage from 1 to 100)',
    });
  });

  it('refuses a last step that is not 100, weights that go down, and weights outside 1–100', () => {
    expect(checkPlan([10, 50, 100])).toEqual([]);
    expect(checkPlan([10, 50])).toEqual([
      'the last step is 50%, not 100%: a canary is only promoted after it carried all the traffic',
    ]);
    expect(checkPlan([50, 10, 100])).toEqual([
      'step 2: weight 10 does not go up from 50 (weights must rise step by step)',
    ]);
    expect(checkPlan([0, 100])).toEqual(['step 1: weight 0 is outside 1–100']);
    expect(checkPlan([10, 10, 100])[0]).toMatch(/step 2: weight 10 does not go up/);
    expect(checkPlan([])).toHaveLength(1);
  });

  it('sizes canary pods next to the stable ones to express a weight', () => {
    expect(replicaSplit(10, 9)).toEqual({ weight: 10, canary: 1, stable: 9, actual: 10 });
    expect(replicaSplit(50, 9)).toEqual({ weight: 50, canary: 9, stable: 9, actual: 50 });
    expect(replicaSplit(100, 9)).toEqual({ weight: 100, canary: 9, stable: 0, actual: 100 });
    expect(replicaSplit(20, 4)).toEqual({ weight: 20, canary: 1, stable: 4, actual: 20 });
    expect(replicaSplit(10, 10).actual).toBe(9.09);
  });

  it('says which step the replicas router cannot express, and what it could', () => {
    expect(checkRouterPlan('replicas', [10, 50, 100], 9)).toEqual([]);
    expect(checkRouterPlan('replicas', [10, 50, 100], 10)).toEqual([]);
    const [problem] = checkRouterPlan('replicas', [10, 50, 100], 3);
    expect(problem).toMatch(
      /^step 1: 10% cannot be expressed with 3 stable pod\(s\) by the replicas router \(0 canary pod\(s\) would be 0%\); expressible weights are 25%, 40%, 50%/,
    );
    expect(checkRouterPlan('replicas', [33, 100], 2)).toEqual([]);
    expect(checkRouterPlan('replicas', [40, 100], 2)[0]).toMatch(
      /^step 1: 40% cannot be expressed with 2 stable pod\(s\) by the replicas router \(1 canary pod\(s\) would be 33\.33%\)/,
    );
    expect(checkRouterPlan('replicas', [10, 100], 0)[0]).toMatch(/needs at least 1/);
    // weight routers take any whole percentage, not fractions
    expect(checkRouterPlan('smi', [12.5, 100], 2)).toEqual([
      'step 1: 12.5% is not a whole percentage, which smi weights must be',
    ]);
    expect(checkRouterPlan('gateway-api', [1, 2, 100], 2)).toEqual([]);
  });
});
