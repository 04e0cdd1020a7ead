import { execCommand, httpRequest, HttpError } from '@spikeformer-actions/core';

/**
 * Splits a command line into arguments: white space separates, single and double quotes group,
 * backslash escapes. No shell is involved, so nothing else is interpreted.
 */
export function splitCommand(text: string): { ok: true; value: string[] } | { ok: false; problem: string } {
  const args: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) current += text[++i] ?? '';
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i] ?? '';
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (quote) return { ok: false, problem: `unclosed ${quote} quote` };
  if (started) args.push(current);
  return { ok: true, value: args };
}

export interface ProbeResult {
  at: string;
  kind: 'http' | 'command';
  ok: boolean;
  detail: string;
}

/** One HTTP probe: healthy on 2xx within the timeout. */
export async function probeUrl(url: string, timeoutMs = 5000): Promise<ProbeResult> {
  const at = new Date().toISOString();
  try {
    const r = await httpRequest(url, { attempts: 1, connectTimeoutMs: timeoutMs, readTimeoutMs: timeoutMs });
    return { at, kind: 'http', ok: r.status >= 200 && r.status < 300, detail: `HTTP ${r.status}` };
  } catch (error) {
    return { at, kind: 'http', ok: false, detail: error instanceof HttpError ? error.message : String(error) };
  }
}

/** One command probe: healthy on exit 0. */
export async function probeCommand(
  command: readonly string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<ProbeResult> {
  const at = new Date().toISOString();
  const [program, ...args] = command;
  if (!program) return { at, kind: 'command', ok: false, detail: 'empty command' };
  try {
    const r = await execCommand(program, args, {
      env: { ...process.env, ...env },
      timeoutMs,
      maxOutputBytes: 64 * 1024,
    });
    const tail = (r.stderr || r.stdout).trim().split('\n').slice(-1)[0] ?? '';
    return {
      at,
      kind: 'command',
      ok: r.exitCode === 0 && !r.timedOut,
      detail: r.timedOut
        ? `timed out after ${timeoutMs} ms`
        : `exit ${r.exitCode}${tail ? `: ${tail.slice(0, 200)}` : ''}`,
    };
  } catch (error) {
    return { at, kind: 'command', ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Fraction of failed probes (0 when there were none). */
export function failureRatio(results: readonly ProbeResult[]): number {
  return results.length === 0 ? 0 : results.filter((r) => !r.ok).length / results.length;
}
