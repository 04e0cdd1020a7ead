import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatCommand, issueKeyValue, keyValueBlock, rawInput, rawState } from '../src/commands.js';

// Expected strings are what @actions/core 3.0.1 (command.js, file-command.js) writes for the same calls.
describe('runner command protocol', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('escapes data and properties as the toolkit does, leaving out empty properties', () => {
    expect(
      formatCommand(
        'warning',
        { title: 'a:b,c', file: 'src/x.py', line: 3, col: undefined, endColumn: '' },
        '100%\r\nnext',
      ),
    ).toBe('::warning title=a%3Ab%2Cc,file=src/x.py,line=3::100%25%0D%0Anext');
    expect(formatCommand('endgroup', {}, '')).toBe('::endgroup::');
  });

  it('writes heredoc blocks with a fresh delimiter that occurs nowhere in the key or value', () => {
    const a = keyValueBlock('name', 'line1\nline2');
    const b = keyValueBlock('name', 'line1\nline2');
    expect(a).toMatch(/^name<<(ghadelimiter_[0-9a-f]{8,})\nline1\nline2\n\1$/);
    expect(a).not.toBe(b);
    // A value holding the first delimiter drawn (as a line of its own) gets the next one.
    const draws = [0.5, 0.25, 0.75, 0.125];
    const next = (): number => draws.shift() ?? 0.375;
    const taken = `ghadelimiter_${(0.5).toString(16).slice(2)}${(0.25).toString(16).slice(2)}`;
    const block = keyValueBlock('name', `x\n${taken}\nstatus=passed`, next);
    expect(block).toBe(`name<<ghadelimiter_c2\nx\n${taken}\nstatus=passed\nghadelimiter_c2`);
    expect(draws).toEqual([]);
  });

  it('appends to GITHUB_OUTPUT, and falls back to ::set-output:: without it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-cmd-'));
    const file = path.join(dir, 'out');
    writeFileSync(file, '');
    vi.stubEnv('GITHUB_OUTPUT', file);
    issueKeyValue('OUTPUT', 'set-output', 'status', 'passed');
    issueKeyValue('OUTPUT', 'set-output', 'multi', 'a\nb');
    const blocks = [...readFileSync(file, 'utf8').matchAll(/^(\w+)<<(\S+)\n([\s\S]*?)\n\2\n/gm)].map((m) => [
      m[1],
      m[3],
    ]);
    expect(blocks).toEqual([
      ['status', 'passed'],
      ['multi', 'a\nb'],
    ]);

    vi.stubEnv('GITHUB_OUTPUT', '');
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    issueKeyValue('OUTPUT', 'set-output', 'status', 'a\nb');
    expect(writes.join('')).toBe('\n::set-output name=status::a%0Ab\n');
  });

  it('refuses a missing command file rather than losing the value', () => {
    vi.stubEnv('GITHUB_STATE', path.join(tmpdir(), 'sf-no-such-dir', 'state'));
    expect(() => issueKeyValue('STATE', 'save-state', 'k', 'v')).toThrow(/Missing file at path/);
  });

  it('reads inputs and state as the runner names them', () => {
    vi.stubEnv('INPUT_FAIL-ON', '  high \n');
    vi.stubEnv('INPUT_MY_INPUT', 'x');
    vi.stubEnv('STATE_deploy', '{"a":1}');
    expect(rawInput('fail-on', true)).toBe('high');
    expect(rawInput('fail-on', false)).toBe('  high \n');
    expect(rawInput('my input', true)).toBe('x');
    expect(rawState('deploy')).toBe('{"a":1}');
    expect(rawState('absent')).toBe('');
  });
});
