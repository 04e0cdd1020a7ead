import { readFileSync } from 'node:fs';
import { fixturePath } from '@spikeformer-actions/testing';
import { describe, expect, it } from 'vitest';
import { parseJunit, statedJunitCounts } from '../src/junit.js';

const read = (rel: string): string => readFileSync(fixturePath(`reports/junit/${rel}`), 'utf8');

describe('JUnit counts equal the files’ own counts', () => {
  it.each(['pytest-base-pass.xml', 'pytest-pr-failures.xml'])('%s', (rel) => {
    const text = read(rel);
    const run = parseJunit(text, rel);
    const stated = statedJunitCounts(text, rel);
    expect({ tests: run.total, failures: run.failed, errors: run.errors, skipped: run.skipped }).toEqual(stated);
  });
  it('base run: 359 passed; PR run: 366 tests, 2 failures, 1 error, 3 skipped (xfail included)', () => {
    const base = parseJunit(read('pytest-base-pass.xml'), 'base.xml');
    expect([base.total, base.passed, base.failed, base.errors, base.skipped]).toEqual([359, 359, 0, 0, 0]);
    const pr = parseJunit(read('pytest-pr-failures.xml'), 'pr.xml');
    expect([pr.total, pr.passed, pr.failed, pr.errors, pr.skipped]).toEqual([366, 360, 2, 1, 3]);
  });
  it('keeps failure messages decoded and tracebacks', () => {
    const pr = parseJunit(read('pytest-pr-failures.xml'), 'pr.xml');
    const epoch = pr.cases.find((c) => c.name === 'test_epoch');
    expect(epoch?.outcome).toBe('failed');
    expect(epoch?.message).toBe("FileNotFoundError: [Errno 2] No such file or directory: 'epoch-samples.txt'");
    expect(epoch?.details).toContain('test/test_pr_extras.py:23: FileNotFoundError');
    const roundtrip = pr.cases.find((c) => c.name === 'test_range_request_roundtrip');
    expect(roundtrip?.outcome).toBe('error');
    expect(roundtrip?.message).toBe('failed on setup with "RuntimeError: port 8080 is already in use"');
    const quote = pr.cases.find((c) => c.name === 'test_htmlutils_quote');
    expect(quote?.message).toContain('\n- "&lt;&#039;');
  });
  it('refuses a DTD, a non-JUnit root and an empty file, naming the file', () => {
    expect(() => parseJunit('<!DOCTYPE x [<!ENTITY a "b">]><testsuites/>', 'dtd.xml')).toThrow(
      /^dtd\.xml:1:1: contains a DTD/,
    );
    expect(() => parseJunit('<coverage/>', 'c.xml')).toThrow(/c\.xml: is not a JUnit report/);
    expect(() => parseJunit('', 'e.xml')).toThrow(/e\.xml: is empty/);
    expect(() => parseJunit(read('pytest-pr-failures.xml').slice(0, 5000), 'cut.xml')).toThrow(
      /^cut\.xml:\d+:\d+: truncated XML/,
    );
  });
  it('reads a single <testsuite> root with nested suites and xunit1 file/line', () => {
    const run = parseJunit(
      '<testsuite name="outer"><testsuite name="inner"><testcase classname="a" name="t1" file="tests/a.py" line="12"><failure message="boom">trace</failure></testcase></testsuite><testcase name="t2"/></testsuite>',
      'x.xml',
    );
    expect(run.cases.map((c) => [c.suite, c.name, c.outcome, c.file, c.line])).toEqual([
      ['inner', 't1', 'failed', 'tests/a.py', 12],
      ['outer', 't2', 'passed', undefined, undefined],
    ]);
  });
});
