import { describe, expect, it } from 'vitest';
import { escapePromQlString, renderTemplate, templateNames } from '../../src/analysis/template.js';

describe('query templates', () => {
  it('fills run values and args, with or without the args. prefix and spaces', () => {
    const q = 'rate(x{namespace="{{namespace}}",service="{{ canary }}"}[{{ args.window }}])';
    expect(renderTemplate(q, { namespace: 'shop', canary: 'api-canary', window: '5m' })).toBe(
      'rate(x{namespace="shop",service="api-canary"}[5m])',
    );
    expect(templateNames(q)).toEqual(['namespace', 'canary', 'window']);
  });

  it('escapes values so they cannot leave a PromQL string', () => {
    const rendered = renderTemplate('up{service="{{ service }}"}', { service: 'a"} or vector(1) or up{x="' });
    expect(rendered).toBe('up{service="a\\"} or vector(1) or up{x=\\""}');
    expect(escapePromQlString('a\\b\n')).toBe('a\\\\b\\n');
  });

  it('refuses unknown and malformed placeholders instead of leaving them in', () => {
    expect(() => renderTemplate('up{service="{{ canry }}"}', { canary: 'x' })).toThrow(
      /uses \{\{ canry \}\} but no value was given \(known: canary\)/,
    );
    expect(() => renderTemplate('up{service="{{ canary }"}', { canary: 'x' })).toThrow(/malformed placeholder/);
    expect(() => renderTemplate('up{service="{{ 1x }}"}', { canary: 'x' })).toThrow(/malformed placeholder/);
  });
});
