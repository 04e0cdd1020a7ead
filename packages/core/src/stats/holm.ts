/**
 * Holm–Bonferroni step-down adjusted p-values: p(i) sorted ascending gets
 * max over j ≤ i of min(1, (m − j + 1) · p(j)). A hypothesis is rejected at family-wise
 * level alpha when its adjusted p-value is ≤ alpha. NaN entries are not part of the family.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const idx = pValues.map((p, i) => ({ p, i })).filter((e) => !Number.isNaN(e.p));
  idx.sort((a, b) => a.p - b.p);
  const m = idx.length;
  const adjusted = pValues.map(() => Number.NaN);
  let running = 0;
  idx.forEach((e, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * e.p));
    adjusted[e.i] = running;
  });
  return adjusted;
}
