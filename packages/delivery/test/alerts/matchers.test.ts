import { describe, expect, it } from 'vitest';
import { matchesAll, matchersText, parseAlertMatchers } from '../../src/alerts/matchers.js';

describe('parseAlertMatchers', () => {
  it('reads the design example, with and without braces, and prints it back canonically', () => {
    const parsed = parseAlertMatchers('severity="critical", service="spikeformer-api"');
    expect(parsed).toEqual({
      ok: true,
      value: [
        { label: 'severity', op: '=', value: 'critical' },
        { label: 'service', op: '=', value: 'spikeformer-api' },
      ],
    });
    expect(parseAlertMatchers('{ severity = "critical" ,\n service=~"api|web", team!="x", env!~"dev.*", }')).toEqual({
      ok: true,
      value: [
        { label: 'severity', op: '=', value: 'critical' },
        { label: 'service', op: '=~', value: 'api|web' },
        { label: 'team', op: '!=', value: 'x' },
        { label: 'env', op: '!~', value: 'dev.*' },
      ],
    });
    const escaped = parseAlertMatchers('summary="a \\"b\\" \\\\ c"');
    expect(escaped).toEqual({ ok: true, value: [{ label: 'summary', op: '=', value: 'a "b" \\ c' }] });
    if (escaped.ok) expect(matchersText(escaped.value)).toBe('summary="a \\"b\\" \\\\ c"');
  });

  it.each([
    ['', 'no matcher (expected e.g. severity="critical", service="api")'],
    ['severity=critical', 'the value of severity must be in double quotes, got "critical"'],
    ["severity='critical'", `the value of severity must be in double quotes, got "'critical'"`],
    ['severity == "critical"', 'the value of severity must be in double quotes, got "= \\"critical\\""'],
    ['severity="critical" service="x"', 'expected , between matchers, got "service=\\"x\\""'],
    ['1abc="x"', 'expected a label name at "1abc=\\"x\\""'],
    ['sev-erity="x"', 'expected =, !=, =~ or !~ after sev, got "-erity=\\"x\\""'],
    ['severity="critical', 'severity: a value has no closing "'],
    ['severity="a\\tb"', 'severity: unknown escape \\t in a value (known: \\\\ \\" \\n)'],
    ['severity="a\nb"', 'severity: a value contains a line break or control character'],
    ['service=~"(api"', 'service: "(api" is not a valid regular expression'],
    ['service=~"(?=api)x"', 'service: look-around and back-references are not RE2 regular expressions'],
    [
      'service!="api"',
      'every matcher also matches an alert without that label: name at least one label value an alert must have (e.g. severity="critical")',
    ],
    ['{severity="critical"', 'opens { but does not close it'],
    [Array.from({ length: 33 }, (_, i) => `l${i}="v"`).join(','), 'more than 32 matchers'],
    [`x="${'a'.repeat(5000)}"`, 'longer than 4096 characters'],
    [`x="${'a'.repeat(1500)}"`, 'x: the value is longer than 1024 characters'],
  ])('refuses %j', (text, problem) => {
    expect(parseAlertMatchers(text)).toEqual({ ok: false, problem });
  });

  it('matches labels as Alertmanager does: anchored regular expressions, a missing label is ""', () => {
    const parsed = parseAlertMatchers('severity="critical", service=~"api|web", env!~"dev.*"');
    if (!parsed.ok) throw new Error(parsed.problem);
    expect(matchesAll(parsed.value, { severity: 'critical', service: 'api' })).toBe(true);
    expect(matchesAll(parsed.value, { severity: 'critical', service: 'api2' })).toBe(false);
    expect(matchesAll(parsed.value, { severity: 'critical', service: 'web', env: 'dev-1' })).toBe(false);
    expect(matchesAll(parsed.value, { severity: 'warning', service: 'web' })).toBe(false);
  });
});
