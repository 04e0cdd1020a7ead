import { describe, expect, it } from 'vitest';
import { parseFileCommand, parseWorkflowCommands } from '../src/index.js';

describe('parseWorkflowCommands', () => {
  it('reads v2 commands after leading whitespace and on CR-separated lines', () => {
    const cmds = parseWorkflowCommands('plain\n  ::add-mask::s3cret\rx\r::set-output name=a::b');
    expect(cmds.map((c) => [c.command, c.message])).toEqual([
      ['add-mask', 's3cret'],
      ['set-output', 'b'],
    ]);
    expect(cmds[1]?.properties).toEqual({ name: 'a' });
  });

  it('reads the legacy ##[ form anywhere in a line', () => {
    const cmds = parseWorkflowCommands('text ##[set-output name=x;]y');
    expect(cmds).toHaveLength(1);
    expect(cmds[0]).toMatchObject({ command: 'set-output', legacy: true, properties: { name: 'x' }, message: 'y' });
  });

  it('ignores commands between stop-commands and its token', () => {
    const cmds = parseWorkflowCommands('::stop-commands::tok\n::error::ignored\n::tok::\n::error::seen');
    expect(cmds.map((c) => c.message)).toEqual(['seen']);
  });

  it('does not see a command in a zero-width-broken token', () => {
    expect(parseWorkflowCommands(':\u200b:error::x')).toEqual([]);
  });
});

describe('parseFileCommand', () => {
  it('reads key=value and heredoc entries', () => {
    expect(parseFileCommand('a=1\nb<<EOF\nx\ny\nEOF\nc=\n')).toEqual({ a: '1', b: 'x\ny', c: '' });
  });
  it('throws on an unterminated heredoc', () => {
    expect(() => parseFileCommand('b<<EOF\nx\n')).toThrow(/no closing delimiter/);
  });
});
