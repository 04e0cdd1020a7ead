import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  clip,
  FileError,
  formatDuration,
  quote,
  quoteList,
  jsonDepthExceededAt,
  MAX_DURATION_MS,
  MAX_NESTING_DEPTH,
  parseDuration,
  parseJsonText,
  parseYamlDocuments,
  parseYamlText,
  setOutput,
} from '../src/index.js';

// The limits every action shares: one duration maximum, one nesting depth, one-line outputs.

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const problem = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FileError);
    return (error as Error).message;
  }
  throw new Error('expected a FileError');
};

describe('duration maximum', () => {
  it('is 5 days and below what one timer can hold', () => {
    expect(MAX_DURATION_MS).toBe(432_000_000);
    expect(MAX_DURATION_MS).toBeLessThan(2 ** 31 - 1);
    expect(formatDuration(MAX_DURATION_MS)).toBe('120h');
  });

  it.each(['600h', '121h', '432001s', '1000000000', '99999999999999999999h'])('refuses %s', (text) => {
    const parsed = parseDuration(text);
    expect(parsed).toEqual({ ok: false, problem: `${JSON.stringify(text)} is longer than the maximum 120h` });
  });

  it('accepts the maximum itself and caps a larger range', () => {
    expect(parseDuration('120h')).toEqual({ ok: true, value: MAX_DURATION_MS });
    expect(parseDuration('121h', { min: 0, max: 10 * MAX_DURATION_MS }).ok).toBe(false);
    expect(parseDuration('2h', { min: 0, max: 3_600_000 })).toEqual({
      ok: false,
      problem: '"2h" is longer than the maximum 1h',
    });
    expect(parseDuration('1s', { min: 5000 })).toEqual({ ok: false, problem: '"1s" is shorter than the minimum 5s' });
  });
});

describe('nesting depth', () => {
  it('JSON at the limit parses; one level more names the file, line and column', () => {
    expect(parseJsonText(nested(MAX_NESTING_DEPTH), 'ok.json')).toBeDefined();
    expect(problem(() => parseJsonText(nested(50_000), 'predicate.json'))).toBe(
      `predicate.json:1:${MAX_NESTING_DEPTH + 1}: nests deeper than ${MAX_NESTING_DEPTH} levels`,
    );
    const objects = '{"a":'.repeat(MAX_NESTING_DEPTH + 1) + '1' + '}'.repeat(MAX_NESTING_DEPTH + 1);
    expect(problem(() => parseJsonText(`{\n"x": ${objects}}`, 'o.json'))).toMatch(
      /^o\.json:2:\d+: nests deeper than 256 levels$/,
    );
  });

  it('brackets inside strings, escaped quotes included, do not count', () => {
    const text = JSON.stringify({ s: '['.repeat(1000), t: 'a\\"[[[', u: ['\\'] });
    expect(jsonDepthExceededAt(text)).toBe(-1);
    expect(parseJsonText(text, 's.json')).toEqual({ s: '['.repeat(1000), t: 'a\\"[[[', u: ['\\'] });
  });

  it('YAML: deep flow and block nesting name the file', () => {
    expect(problem(() => parseYamlText(nested(50_000), 'deep.yaml'))).toBe('deep.yaml: nests deeper than 256 levels');
    const block = `a:\n${Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i + 1)}b:`).join('\n')} 1\n`;
    expect(problem(() => parseYamlText(block, 'block.yaml'))).toBe('block.yaml: nests deeper than 256 levels');
    expect(problem(() => parseYamlDocuments(`x: 1\n---\n${block}`, 'm.yaml'))).toBe(
      'm.yaml: nests deeper than 256 levels',
    );
  });

  it('YAML: an alias bomb is a file error, not a resource exhaustion', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [prev, name] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
    ])
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    expect(problem(() => parseYamlText(levels.join('\n'), 'pnpm-lock.yaml'))).toBe(
      'pnpm-lock.yaml: invalid YAML: Excessive alias count indicates a resource exhaustion attack (aliases expand past the limit)',
    );
    // A few aliases, as real files use them, are fine.
    expect(parseYamlText('base: &b {x: 1}\nuse: *b\n', 'ok.yaml')).toEqual({ base: { x: 1 }, use: { x: 1 } });
  });
});

describe('outputs never gain a line', () => {
  afterEach(() => vi.unstubAllEnvs());
  const outputFile = (): string => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sf-out-')), 'out');
    writeFileSync(file, '');
    vi.stubEnv('GITHUB_OUTPUT', file);
    return file;
  };

  it.each(['a\nb', 'a\rb', 'a\r\nb', 'a\u2028b', 'a\u2029b'])('refuses %j as a value and as a list item', (value) => {
    const file = outputFile();
    expect(() => setOutput('digests', value)).toThrow(
      'output digests: a value holds a line break; escape it before setting the output',
    );
    expect(() => setOutput('bundles', ['ok', value])).toThrow('output bundles: a value holds a line break');
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('writes a list one item per line', () => {
    const file = outputFile();
    setOutput('bundles', ['a.sigstore.json', 'b.sigstore.json']);
    setOutput('count', 2);
    expect(
      [...readFileSync(file, 'utf8').matchAll(/^(\w+)<<(\S+)\n([\s\S]*?)\n\2\n/gm)].map((m) => [m[1], m[3]]),
    ).toEqual([
      ['bundles', 'a.sigstore.json\nb.sigstore.json'],
      ['count', '2'],
    ]);
  });
});

describe('untrusted text in messages is bounded', () => {
  it('quote and clip keep one line and say where they cut', () => {
    const field = `a\nb${'x'.repeat(1_000_000)}`;
    const q = quote(field);
    expect(q).toBe(`'a ⏎ b${'x'.repeat(197)}…' (cut at 200 of 1000003 characters)`);
    expect(clip('short\u001b[31m')).toBe('short');
    expect(quoteList(['a', 'b', 'c'], 2)).toBe("'a', 'b' and 1 more");
  });
});
