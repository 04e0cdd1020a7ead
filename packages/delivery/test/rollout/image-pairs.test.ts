import { describe, expect, it } from 'vitest';
import { parseImagePairs } from '../../src/rollout/index.js';

describe('parseImagePairs', () => {
  it('reads container=image entries, digests included', () => {
    expect(parseImagePairs(['api=ghcr.io/o/api@sha256:abc', 'sidecar=envoy:1.30'])).toEqual({
      ok: true,
      value: [
        { container: 'api', image: 'ghcr.io/o/api@sha256:abc' },
        { container: 'sidecar', image: 'envoy:1.30' },
      ],
    });
  });
  it.each([
    [['api'], 'expected container=image, got "api"'],
    [['=x'], 'expected container=image, got "=x"'],
    [['API=x'], '"API" is not a valid container name'],
    [['a=x y'], 'image "x y" contains white space or a control character'],
    [['a=x\u001b[31m'], 'image "x\\u001b[31m" contains white space or a control character'],
    [['a=x\u2028y'], 'image "x\u2028y" contains white space or a control character'],
    [[`a=${'x'.repeat(1025)}`], `image "${'x'.repeat(200)}…" is longer than 1024 characters`],
    [['a=x', 'a=y'], 'container "a" is given twice'],
  ])('names the bad entry %j', (entries, problem) => {
    expect(parseImagePairs(entries)).toEqual({ ok: false, problem });
  });
});
