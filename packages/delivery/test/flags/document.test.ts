import { FlagdCore } from '@openfeature/flagd-core';
import { describe, expect, it } from 'vitest';
import {
  atWeight,
  flagSchemaProblems,
  type FlagTarget,
  parseFlagDocument,
  restoredText,
  serving,
  checkedText,
} from '../../src/flags/index.js';

const TARGET: FlagTarget = {
  configMap: 'flags',
  dataKey: 'flags.json',
  flagKey: 'new-checkout',
  newVariant: 'on',
  stableVariant: 'off',
};

/** Hand-formatted on purpose: a restore must give back these bytes, not a re-serialisation. */
const ORIGINAL = `{
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "flags": {
    "new-checkout": { "state": "ENABLED", "variants": { "on": true, "off": false }, "defaultVariant": "off" },
    "banner": { "state": "ENABLED", "variants": { "red": "red", "blue": "blue" }, "defaultVariant": "red" }
  }
}
`;

/** Share of 10,000 targeting keys flagd-core serves the new variant (true). */
function servedShare(text: string, flagKey = TARGET.flagKey): number {
  const core = new FlagdCore();
  core.setConfigurations(text);
  let on = 0;
  for (let i = 0; i < 10_000; i++)
    if (core.resolveBooleanEvaluation(flagKey, false, { targetingKey: `user-${i}` }).value) on++;
  return on / 10_000;
}

describe('flag document', () => {
  it.each([1, 5, 10, 25, 50, 75, 90, 100])(
    'serves the new variant to %i %% of 10,000 keys (±3 %%) under flagd-core',
    (weight) => {
      const text = checkedText(atWeight(parseFlagDocument(ORIGINAL, 'x'), TARGET, weight), 'x');
      expect(Math.abs(servedShare(text) - weight / 100)).toBeLessThanOrEqual(0.03);
    },
  );

  it('keeps a key on the new variant as the weight grows (bucketing by targetingKey)', () => {
    const doc = parseFlagDocument(ORIGINAL, 'x');
    const at = (w: number): FlagdCore => {
      const core = new FlagdCore();
      core.setConfigurations(checkedText(atWeight(doc, TARGET, w), 'x'));
      return core;
    };
    const low = at(10);
    const high = at(50);
    const moved = Array.from({ length: 2000 }, (_, i) => `k${i}`).filter(
      (k) =>
        low.resolveBooleanEvaluation(TARGET.flagKey, false, { targetingKey: k }).value &&
        !high.resolveBooleanEvaluation(TARGET.flagKey, false, { targetingKey: k }).value,
    );
    expect(moved).toEqual([]);
  });

  it('serving() gives everyone the variant', () => {
    expect(servedShare(checkedText(serving(parseFlagDocument(ORIGINAL, 'x'), TARGET.flagKey, 'on', false), 'x'))).toBe(
      1,
    );
    expect(servedShare(ORIGINAL)).toBe(0);
  });

  it('restores the saved bytes when only this flag changed', () => {
    const stepped = checkedText(atWeight(parseFlagDocument(ORIGINAL, 'x'), TARGET, 50), 'x');
    expect(restoredText(stepped, ORIGINAL, TARGET.flagKey, 'x')).toEqual({ text: ORIGINAL, exact: true });
  });

  it('restores only this flag when another one changed meanwhile', () => {
    const stepped = atWeight(parseFlagDocument(ORIGINAL, 'x'), TARGET, 50);
    const banner = stepped.flags['banner'];
    if (banner) banner['defaultVariant'] = 'blue';
    const restored = restoredText(checkedText(stepped, 'x'), ORIGINAL, TARGET.flagKey, 'x');
    expect(restored.exact).toBe(false);
    const doc = JSON.parse(restored.text) as { flags: Record<string, Record<string, unknown>> };
    expect(doc.flags['banner']?.['defaultVariant']).toBe('blue');
    expect(doc.flags['new-checkout']).toEqual({
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
    });
  });

  it('validates against flagd schema', () => {
    expect(flagSchemaProblems(JSON.parse(ORIGINAL))).toEqual([]);
    expect(flagSchemaProblems({ flags: { f: { variants: { on: true } } } })).toEqual([
      "/flags/f must have required property 'state'",
      '/flags/f must match a schema in anyOf',
    ]);
    expect(
      flagSchemaProblems({
        flags: { f: { state: 'ENABLED', variants: { on: true }, targeting: { fractional: [['on', -1]] } } },
      }).length,
    ).toBeGreaterThan(0);
    expect(() => parseFlagDocument('{"flags": []}', 'configmap/flags key f.json')).toThrow(
      /^configmap\/flags key f\.json: not a valid flagd flag configuration: \/flags must be object$/,
    );
  });

  it('refuses a key twice in one object, and names its line', () => {
    expect(() =>
      parseFlagDocument(
        '{\n "flags": {\n  "a": {"state": "ENABLED", "variants": {"x": 1}},\n  "a": {"state": "DISABLED", "variants": {"x": 1}}\n }\n}',
        'configmap/f key k',
      ),
    ).toThrow(/^configmap\/f key k:4: key "a" appears twice in one object$/);
    expect(
      parseFlagDocument(
        '{"flags": {"a": {"state": "ENABLED", "variants": {"x": {"k": [{"k": 1}, {"k": 2}]}, "y": {"k": 1}}}}}',
        'x',
      ).flags['a']?.['state'],
    ).toBe('ENABLED');
  });
});
