// Two bundles of one commit are byte-identical: the check CI runs over all nine actions
// (scripts/check-reproducible.ts), here on the smallest one to keep the suite quick.
import { describe, expect, it } from 'vitest';
import { reproducibilityProblems } from '../scripts/check-reproducible.ts';

describe('reproducible bundles', () => {
  it('quality-gate bundled twice gives the same bytes', { timeout: 240_000 }, async () => {
    expect(await reproducibilityProblems(['quality-gate'])).toEqual([]);
  });
});
