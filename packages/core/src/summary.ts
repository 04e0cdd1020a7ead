import { appendFileSync } from 'node:fs';
import { escapeHtml, mermaidPlain } from './escape.js';

/** HTML our own code produced (never from untrusted input); passed through unescaped. */
export class TrustedHtml {
  constructor(readonly html: string) {}
}

export type Cell =
  string | number | TrustedHtml | { text: string | number; header?: boolean; align?: 'left' | 'right' | 'center' };

// GitHub refuses step summaries over 1 MiB; keep room for the truncation note.
const SUMMARY_LIMIT = 1024 * 1024 - 1024;

function cellHtml(cell: Cell, tag: 'td' | 'th'): string {
  if (cell instanceof TrustedHtml) return `<${tag}>${cell.html}</${tag}>`;
  if (typeof cell === 'object') {
    const t = cell.header ? 'th' : tag;
    const align = cell.align ? ` align="${cell.align}"` : '';
    return `<${t}${align}>${escapeHtml(cell.text)}</${t}>`;
  }
  return `<${tag}>${escapeHtml(cell)}</${tag}>`;
}

export function link(text: string, url: string): TrustedHtml {
  const safeUrl = /^https?:\/\//i.test(url) ? url.replace(/[\s"'<>`]/g, encodeURIComponent) : '#';
  return new TrustedHtml(`<a href="${safeUrl}">${escapeHtml(text)}</a>`);
}

export function code(text: string): TrustedHtml {
  return new TrustedHtml(`<code>${escapeHtml(text)}</code>`);
}

export function bold(text: string): TrustedHtml {
  return new TrustedHtml(`<strong>${escapeHtml(text)}</strong>`);
}

export interface LineSeries {
  name: string;
  values: readonly number[];
}

/**
 * Builds a job summary from blocks. Every string is escaped; only TrustedHtml passes
 * through. Blocks are separated by blank lines so Markdown (mermaid fences) still renders
 * between HTML blocks.
 */
export class Summary {
  private readonly blocks: string[] = [];

  heading(text: string, level: 1 | 2 | 3 | 4 = 2): this {
    this.blocks.push(`<h${level}>${escapeHtml(text)}</h${level}>`);
    return this;
  }

  paragraph(...parts: Array<string | TrustedHtml>): this {
    this.blocks.push(`<p>${parts.map((p) => (p instanceof TrustedHtml ? p.html : escapeHtml(p))).join('')}</p>`);
    return this;
  }

  list(items: ReadonlyArray<string | TrustedHtml>): this {
    if (items.length === 0) return this;
    this.blocks.push(
      `<ul>${items.map((i) => `<li>${i instanceof TrustedHtml ? i.html : escapeHtml(i)}</li>`).join('')}</ul>`,
    );
    return this;
  }

  table(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>): this {
    const head = `<tr>${headers.map((h) => cellHtml(h, 'th')).join('')}</tr>`;
    const body = rows.map((r) => `<tr>${r.map((c) => cellHtml(c, 'td')).join('')}</tr>`).join('');
    this.blocks.push(`<table>${head}${body}</table>`);
    return this;
  }

  /** A collapsed section; the body is another Summary (already escaped) or plain text. */
  details(title: string, body: Summary | string, open = false): this {
    const inner = body instanceof Summary ? body.toString() : `<pre>${escapeHtml(body)}</pre>`;
    this.blocks.push(
      `<details${open ? ' open' : ''}><summary>${escapeHtml(title)}</summary>\n\n${inner}\n\n</details>`,
    );
    return this;
  }

  /** Preformatted untrusted text. */
  pre(text: string): this {
    this.blocks.push(`<pre>${escapeHtml(text)}</pre>`);
    return this;
  }

  /**
   * A mermaid block. The source must come from the chart helpers here or be built with
   * mermaidText/mermaidPlain; a fence inside it is refused.
   */
  mermaid(source: string): this {
    if (source.includes('```')) throw new Error('mermaid source must not contain a code fence');
    this.blocks.push(`\`\`\`mermaid\n${source.trim()}\n\`\`\``);
    return this;
  }

  /** A mermaid xychart line chart (one line per series). */
  lineChart(title: string, xLabels: ReadonlyArray<string | number>, series: readonly LineSeries[], yLabel = ''): this {
    const finite = series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)));
    if (finite.length === 0 || xLabels.length === 0) return this;
    const min = Math.min(...finite);
    const max = Math.max(...finite);
    const pad = max === min ? Math.abs(max) * 0.1 || 1 : (max - min) * 0.05;
    const fmt = (v: number): string =>
      Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(Number((min - pad).toPrecision(6)));
    const lines = [
      'xychart-beta',
      `  title "${mermaidPlain(title, 80)}"`,
      `  x-axis [${xLabels.map((x) => `"${mermaidPlain(x, 20)}"`).join(', ')}]`,
      `  y-axis "${mermaidPlain(yLabel, 30)}" ${fmt(min - pad)} --> ${fmt(max + pad)}`,
      ...series.map((s) => `  line [${s.values.map(fmt).join(', ')}]`),
    ];
    if (series.length > 1) {
      this.paragraph(`Lines in order: ${series.map((s, i) => `${i + 1}. ${s.name}`).join('; ')}`);
    }
    return this.mermaid(lines.join('\n'));
  }

  raw(html: TrustedHtml): this {
    this.blocks.push(html.html);
    return this;
  }

  isEmpty(): boolean {
    return this.blocks.length === 0;
  }

  toString(): string {
    return `${this.blocks.join('\n\n')}\n`;
  }

  /** Appends to the job summary file (no-op outside the runner). Oversized summaries are cut at a block boundary. */
  write(): void {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (!file) return;
    let text = this.toString();
    if (Buffer.byteLength(text) > SUMMARY_LIMIT) {
      const kept: string[] = [];
      let size = 0;
      for (const block of this.blocks) {
        size += Buffer.byteLength(block) + 2;
        if (size > SUMMARY_LIMIT) break;
        kept.push(block);
      }
      text = `${kept.join('\n\n')}\n\n<p><em>Summary truncated at GitHub's 1 MiB limit; the full result is in the action's JSON output.</em></p>\n`;
    }
    appendFileSync(file, text);
  }
}
