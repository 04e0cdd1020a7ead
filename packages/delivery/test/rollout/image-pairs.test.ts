import { describe, expect, it } from 'vitest';
import { parseImagePairs } from '../../src/rollout/index.js';

describe('parseImagePairs', () => {
  it('reads container=image entries, digests included', () => {
    expect(parseImagePairs(['api=ghcr.io/o/api@sha256:abc', 'sidecar=envoy:1.30'])).toEqual({
      ok: true,
      value: [{ container: 'api', image: 'ghcr.io/o/api@sha256:abc' }, { container: 'sidecar', image: 'envoy:1.30' }],
    });
  });
  it.each([
    [['api'], 'expected container=image, got "api"'],
    [['=x'], 'expected container=image, got "=x"'],
    [['API=x'], '"API" is not a valid container name'],
    [['a=x y'], 'image "x y" contains white space'],
    [['a=x', 'a=y'], 'container "a" is given twice'],
  ])('names the bad entry %j', (entries, problem) => {
    expect(parseImagePairs(entries)).toEqual({ ok: false, problem });
  });
});
