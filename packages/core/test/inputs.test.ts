import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, inputs } from '../src/index.js';

let workspace: string;
const saved = { ...process.env };

function given(values: Record<string, string>): void {
  for (const [k, v] of Object.entries(values)) process.env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
}

beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'sf-inputs-'));
  process.env.GITHUB_WORKSPACE = workspace;
});
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) Reflect.deleteProperty(process.env, k);
});

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('input readers', () => {
  it('string, required and fallback', () => {
    given({ name: '  spikeformer  ', empty: '' });
    expect(inputs.getString('name')).toBe('spikeformer');
    expect(inputs.getString('empty', 'dflt')).toBe('dflt');
    expect(inputs.getString('missing', 'dflt')).toBe('dflt');
    expect(problem(() => inputs.getRequired('empty'))).toBe("Input 'empty': is required");
  });

  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['FALSE', false],
  ])('boolean %s', (text, value) => {
    given({ flag: text });
    expect(inputs.getBoolean('flag', !value)).toBe(value);
  });

  it.each(['yes', '1', 'on', 'tru'])('boolean rejects %s', (text) => {
    given({ flag: text });
    expect(problem(() => inputs.getBoolean('flag', false))).toMatch(/^Input 'flag': expected true or false/);
  });

  it('integer with range', () => {
    given({ n: '42', neg: '-3', frac: '1.5', big: '7', word: 'ten' });
    expect(inputs.getInteger('n', 0, { min: 0, max: 100 })).toBe(42);
    expect(inputs.getInteger('neg', 0)).toBe(-3);
    expect(inputs.getInteger('missing', 9)).toBe(9);
    expect(problem(() => inputs.getInteger('frac', 0))).toMatch(/expected a whole number/);
    expect(problem(() => inputs.getInteger('big', 0, { max: 5 }))).toMatch(/above the maximum 5/);
    expect(problem(() => inputs.getInteger('neg', 0, { min: 0 }))).toMatch(/below the minimum 0/);
    expect(problem(() => inputs.getInteger('word', 0))).toMatch(/^Input 'word'/);
  });

  it('float with range', () => {
    given({ a: '0.01', b: '1e-3', c: '.5', d: 'NaN', e: '2' });
    expect(inputs.getFloat('a', 0)).toBe(0.01);
    expect(inputs.getFloat('b', 0)).toBe(0.001);
    expect(inputs.getFloat('c', 0)).toBe(0.5);
    expect(problem(() => inputs.getFloat('d', 0))).toMatch(/expected a number/);
    expect(problem(() => inputs.getFloat('e', 0, { max: 1 }))).toMatch(/above the maximum 1/);
  });

  it('percentage', () => {
    given({ a: '10', b: '10%', c: '2.5 %', d: '150%', e: 'ten%' });
    expect(inputs.getPercentage('a', 0)).toBe(10);
    expect(inputs.getPercentage('b', 0)).toBe(10);
    expect(inputs.getPercentage('c', 0)).toBe(2.5);
    expect(problem(() => inputs.getPercentage('d', 0))).toMatch(/above the maximum 100/);
    expect(inputs.getPercentage('d', 0, { min: 0, max: 1000 })).toBe(150);
    expect(problem(() => inputs.getPercentage('e', 0))).toMatch(/expected a percentage/);
  });

  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['250ms', 250],
    ['30', 30_000],
    ['1.5m', 90_000],
  ])('duration %s', (text, ms) => {
    given({ d: text });
    expect(inputs.getDuration('d', 0)).toBe(ms);
  });

  it.each(['5 minutes', '5x', 'm5', '-5s', '1h-2m', ''])('duration rejects %j', (text) => {
    given({ d: text });
    if (text === '') expect(inputs.getDuration('d', 7)).toBe(7);
    else expect(problem(() => inputs.getDuration('d', 0))).toMatch(/^Input 'd': expected a duration/);
  });

  it('enum names the allowed values', () => {
    given({ level: 'high', bad: 'severe' });
    const levels = ['critical', 'high', 'medium'] as const;
    expect(inputs.getEnum('level', levels, 'medium')).toBe('high');
    expect(inputs.getEnum('missing', levels, 'medium')).toBe('medium');
    expect(problem(() => inputs.getEnum('bad', levels, 'high'))).toBe(
      `Input 'bad': expected one of critical, high, medium, got "severe"`,
    );
  });

  it('list by newline or comma', () => {
    given({ l: 'a, b\n c\n\n,d', paths: 'x,y.json\nz.json' });
    expect(inputs.getList('l')).toEqual(['a', 'b', 'c', 'd']);
    expect(inputs.getList('paths', { commas: false })).toEqual(['x,y.json', 'z.json']);
    expect(inputs.getList('missing')).toEqual([]);
  });

  it('object from JSON or YAML, errors with the line', () => {
    given({ j: '{"a": [1, 2]}', y: 'metrics:\n  - name: errors\n    max: 0.05\n', bad: 'a: 1\nb: [unclosed\n' });
    expect(inputs.getObject('j')).toEqual({ a: [1, 2] });
    expect(inputs.getObject('y')).toEqual({ metrics: [{ name: 'errors', max: 0.05 }] });
    expect(inputs.getObject('missing')).toBeUndefined();
    expect(problem(() => inputs.getObject('bad'))).toMatch(/^Input 'bad': line 3: invalid YAML/);
  });

  it('paths stay inside the workspace', () => {
    mkdirSync(path.join(workspace, 'reports'));
    writeFileSync(path.join(workspace, 'reports/a.json'), '{}');
    const outside = mkdtempSync(path.join(tmpdir(), 'sf-outside-'));
    symlinkSync(outside, path.join(workspace, 'escape'));
    given({ ok: 'reports/a.json', up: '../etc/passwd', abs: '/etc/passwd', link: 'escape/x' });
    expect(inputs.getPath('ok')).toBe(path.join(workspace, 'reports/a.json'));
    expect(problem(() => inputs.getPath('up'))).toMatch(/^Input 'up': path '..\/etc\/passwd' is outside the workspace/);
    expect(problem(() => inputs.getPath('abs'))).toMatch(/outside the workspace/);
    expect(problem(() => inputs.getPath('link'))).toMatch(/symlink outside the workspace/);
    // A path derived from an input (a default, a list entry) is refused naming that input, once.
    expect(problem(() => inputs.resolvePath('output', '../x.json'))).toBe(
      `Input 'output': path '../x.json' is outside the workspace ${workspace}`,
    );
  });

  it('glob patterns from an input are refused naming the input, once', async () => {
    await expect(inputs.expandPatterns('reports', ['../*.json'])).rejects.toThrow(
      new InputError('reports', `pattern '../*.json' reaches outside the workspace ${workspace}`),
    );
  });

  it('globs expand inside the workspace, with exclusions', async () => {
    mkdirSync(path.join(workspace, 'reports/old'), { recursive: true });
    for (const f of ['reports/a.json', 'reports/b.json', 'reports/old/c.json', 'reports/x.txt'])
      writeFileSync(path.join(workspace, f), '{}');
    const outside = mkdtempSync(path.join(tmpdir(), 'sf-outside-'));
    writeFileSync(path.join(outside, 'secret.json'), '{}');
    symlinkSync(path.join(outside, 'secret.json'), path.join(workspace, 'reports/link.json'));
    given({
      r: 'reports/**/*.json\n!reports/old/**',
      none: 'nothing/*.json',
      up: '../**/*.json',
      plain: 'reports/b.json\nreports/missing.json\nreports/old\n./reports/a.json\nreports/b.json',
      plainLink: 'reports/link.json',
    });
    const files = await inputs.getFiles('r');
    expect(files.map((f) => path.relative(workspace, f))).toEqual(['reports/a.json', 'reports/b.json']);
    // Plain paths (no glob syntax) are looked up directly: files only, once each, sorted; a link out is refused.
    expect((await inputs.getFiles('plain')).map((f) => path.relative(workspace, f))).toEqual([
      'reports/a.json',
      'reports/b.json',
    ]);
    await expect(inputs.getFiles('plainLink')).rejects.toThrow(
      /^Input 'plainLink': path 'reports\/link\.json' leads through a symlink outside the workspace/,
    );
    await expect(inputs.getFiles('none', { required: true })).rejects.toThrow(
      /^Input 'none': no file matches nothing\/\*\.json/,
    );
    await expect(inputs.getFiles('up')).rejects.toThrow(/outside the workspace/);
  });

  it('secrets are masked before use', () => {
    given({ key: 'super-secret-value' });
    const writes: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    };
    try {
      expect(inputs.getSecret('key')).toBe('super-secret-value');
    } finally {
      process.stdout.write = original;
    }
    expect(writes.join('')).toContain('::add-mask::super-secret-value');
  });
});
