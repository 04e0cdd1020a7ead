import { describe, expect, test } from 'vitest';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../../src/kube/index.js';

describe('label selectors', () => {
  const labels = { app: 'api', track: 'canary', tier: 'web' };
  test.each([
    ['app=api', true],
    ['app==api,track=canary', true],
    ['app!=api', false],
    ['track in (canary, stable)', true],
    ['track notin (canary)', false],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['missing!=x', true],
    ['app=api,track in (stable)', false],
    ['', true],
  ])('%s → %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  test('garbage is refused', () => {
    expect(() => parseLabelSelector('a in b')).toThrow(/unable to parse/);
  });
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'p', namespace: 'default' }, status: { phase: 'Running' } };
  test('equality and inequality on any path', () => {
    expect(matchesFields(parseFieldSelector('metadata.name=p,status.phase==Running'), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector('status.phase!=Running'), pod)).toBe(false);
    expect(matchesFields(parseFieldSelector('spec.nodeName='), pod)).toBe(true);
    expect(() => parseFieldSelector('metadata.name')).toThrow(/invalid selector/);
  });
});
