import { describe, expect, it } from 'vitest';
import { code, escapeHtml, link, mermaidText, safeText, Summary } from '../src/index.js';

describe('escapers', () => {
  it('neutralise commands without changing the visible text', () => {
    const out = safeText('a::b ##[x]');
    expect(out.replace(/\u200b/g, '')).toBe('a::b ##[x]');
    expect(out).not.toContain('::');
    expect(out).not.toContain('##[');
  });

  it('escape HTML and Markdown syntax', () => {
    expect(escapeHtml('<b>|x|</b>\n[l](u)')).toBe('&lt;b&gt;&#124;x&#124;&lt;/b&gt;<br>&#91;l&#93;(u)');
  });

  it('leave test ids intact in the summary, which the runner does not scan for commands', () => {
    expect(escapeHtml('tests/test_lif.py::test_spike[1.0]')).toBe('tests/test&#95;lif.py::test&#95;spike&#91;1.0&#93;');
    expect(escapeHtml('a\u001b[31mred\u202e')).toBe('ared');
  });

  it('mermaid labels keep letters and encode the rest', () => {
    expect(mermaidText('p99 "lat"]')).toBe('p99 #34;lat#34;#93;');
  });
});

describe('Summary', () => {
  it('builds tables with escaped cells and trusted links', () => {
    const s = new Summary().heading('Result').table(
      ['metric', 'value'],
      [
        ['<x>', 1.5],
        [code('a|b'), link('docs', 'https://example.com/a b')],
      ],
    );
    expect(s.toString()).toBe(
      '<h2>Result</h2>\n\n<table><tr><th>metric</th><th>value</th></tr><tr><td>&lt;x&gt;</td><td>1.5</td></tr>' +
        '<tr><td><code>a&#124;b</code></td><td><a href="https://example.com/a%20b">docs</a></td></tr></table>\n',
    );
  });

  it('refuses non-http links and fenced mermaid source', () => {
    expect(link('x', 'javascript:alert(1)').html).toBe('<a href="#">x</a>');
    expect(() => new Summary().mermaid('graph TD\n```\n')).toThrow(/fence/);
  });

  it('draws a line chart with a y range around the data', () => {
    const s = new Summary().lineChart('latency', ['r1', 'r2', 'r3'], [{ name: 'p99', values: [10, 20, 30] }], 'ms');
    expect(s.toString()).toContain(
      '```mermaid\nxychart-beta\n  title "latency"\n  x-axis ["r1", "r2", "r3"]\n  y-axis "ms" 9 --> 31\n  line [10, 20, 30]\n```',
    );
  });
});
