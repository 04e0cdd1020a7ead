import path from 'node:path';
import { MESSAGE_MAX } from '@spikeformer-actions/core';
import { runBundledAction } from '@spikeformer-actions/testing';
import { describe, expect, it } from 'vitest';

const action = path.join(import.meta.dirname, 'fixtures/untrusted-echo');

/** Strings an attacker controls (a finding message, a path, a metric label) that try to escape. */
const INJECTIONS: Array<[string, string]> = [
  ['v2 command', '::set-output name=x::y'],
  ['mask after newline', 'ok\n::add-mask::secret'],
  ['escaped newline', '%0A::error::boom'],
  ['escaped CRLF', '%0D%0A::add-mask::x'],
  ['carriage return', 'ok\r::warning::cr'],
  ['CRLF', 'ok\r\n::error::crlf'],
  ['leading spaces', '   ::stop-commands::tok'],
  ['tab', '\t::debug::tab'],
  ['legacy command', 'x ##[set-output name=x;]y'],
  ['end group', '::endgroup::'],
  ['save state', '::save-state name=phase::pwned'],
  ['add path', 'a\n::add-path::/evil'],
  ['set env', '::set-env name=NODE_OPTIONS::--require /tmp/x'],
  ['ANSI colour', '\u001b[31mred\u001b[0m'],
  ['ANSI cursor', '\u001b[2K\u001b[1Goverwritten'],
  ['OSC hyperlink', '\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007'],
  ['control chars', 'nul\u0000bell\u0007vt\u000b'],
  ['bidi override', '\u202e::error::reversed'],
  ['img onerror', '<img src=x onerror=alert(1)>'],
  ['script', '<script>alert(1)</script>'],
  ['closing details', '</details></table><img src=x>'],
  ['javascript link', '[click](javascript:alert(1))'],
  ['tracking image', '![x](https://evil.example/p.png)'],
  ['table break', '| a | b |\n|---|---|\n| c | d |'],
  ['code fence', '```\n::error::in fence\n```'],
  ['html comment', '<!-- x --><a href="javascript:x">x</a>'],
  ['mention', '@everyone look'],
  ['mermaid breakout', '"] --> X[<img src=x>'],
];

// Tags the Summary builder itself emits; anything else in the output came from input.
const OWN_TAGS = new Set([
  'h1',
  'h2',
  'h3',
  'h4',
  'p',
  'table',
  'tr',
  'th',
  'td',
  'ul',
  'li',
  'details',
  'summary',
  'pre',
  'br',
  'em',
  'strong',
  'code',
  'a',
]);

describe('untrusted text through every log and summary path', () => {
  it.each(INJECTIONS)('%s', async (_name, text) => {
    const r = await runBundledAction(action, { inputs: { strings: JSON.stringify([text]) } });
    expect(r.exitCode).toBe(0);
    // Exactly the commands the echo action issues on purpose, no more.
    expect(r.commands.map((c) => c.command)).toEqual(['debug', 'warning', 'notice', 'error', 'group', 'endgroup']);
    expect(r.commands.every((c) => !c.legacy)).toBe(true);
    // No terminal escape or control character reaches the log.
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202e]/);
    // A one-line value is carried verbatim (file commands cannot be injected); one with a line
    // break is refused, so no output gains a line.
    if (/[\r\n]/.test(text)) {
      expect(r.outputs.echo).toBeUndefined();
      expect(r.outputs['echo-refused']).toBe('true');
    } else expect(r.outputs.echo).toBe(text);

    const html = r.summary;
    const tags = [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => (m[1] ?? '').toLowerCase());
    expect(tags.filter((t) => !OWN_TAGS.has(t))).toEqual([]);
    expect(html).not.toMatch(/<a\b/); // no link came from input
    expect(html).not.toMatch(/<img|<script|\]\(|!\[/);
    // The only fences are the mermaid block's own pair.
    expect(html.match(/```/g)).toHaveLength(2);
    const mermaid = html.slice(html.indexOf('```mermaid') + 10, html.lastIndexOf('```'));
    // Inside it, every label stays inside its quotes and carries no markup.
    const labels = [...mermaid.matchAll(/"([^"\n]*)"/g)].map((m) => m[1] ?? '');
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) expect(label).toMatch(/^[A-Za-z0-9 .,_/+%…-]*$/);
    expect(mermaid.replace(/"[^"\n]*"/g, '').replace(/ --> /g, '')).not.toMatch(/[<>"`]/);
  });

  it('a user error with hostile text is one neutralised error line', async () => {
    const hostile = 'bad\n::add-mask::x\u001b[31m<b>';
    const r = await runBundledAction(action, { inputs: { strings: '[]', 'fail-with': hostile } });
    expect(r.exitCode).toBe(1);
    expect(r.commands.map((c) => c.command)).toEqual(['error']);
    expect(r.annotations[0]?.message).toContain('untrusted-echo: bad');
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).not.toMatch(/Error: |at .*\.js:\d+/); // no stack trace for a user error
  });

  it('a user error built from a huge untrusted value is one bounded error line', async () => {
    const r = await runBundledAction(action, { inputs: { strings: '[]', 'fail-with': `bad ${'y'.repeat(100_000)}` } });
    expect(r.exitCode).toBe(1);
    expect(r.annotations).toHaveLength(1);
    expect(r.annotations[0]?.message).toMatch(/^untrusted-echo: bad y+… \(cut at 1500 of 100004 characters\)$/);
    expect(r.stdout.length).toBeLessThan(3 * MESSAGE_MAX);
  });

  it('an unexpected error prints one error line and its stack in a collapsed group', async () => {
    const r = await runBundledAction(action, { inputs: { strings: 'not json' } });
    expect(r.exitCode).toBe(1);
    expect(r.commands.map((c) => c.command)).toEqual(['error', 'group', 'endgroup']);
    expect(r.annotations[0]?.message).toMatch(/^untrusted-echo: unexpected error: .*JSON/);
  });
});
