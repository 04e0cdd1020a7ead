import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { RunResult } from '../run-action.js';

export { writeFsGuard } from './fs-guard.js';

/**
 * The hostile-input suites' shared checks (`@spikeformer-actions/testing/hostile`): what no run
 * of any action may print, write or output, however its input was made.
 */

/** Content of files outside the workspace: never in a log, summary or output. */
export const OUTSIDE_CANARY = 'OUTSIDE-CANARY-5b9e1d';
/** A secret given to an action: never shown but in the command that masks it. */
export const SECRET = 'ghp_HOSTILEsecret0123456789abcdefABCDEF';
/** Untrusted text that would be a workflow command, a second line or a terminal escape if printed raw. */
export const INJECTION =
  '::error::INJECTED%0A::warning::INJECTED\n::stop-commands::tok\n##[error]INJECTED\u001b[31mRED';

/** A directory outside every workspace holding the canary in `secret.*` files and any extra files given. */
export function outsideDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hostile-outside-'));
  for (const ext of ['txt', 'csv', 'json', 'yml', 'nir', 'h5'])
    writeFileSync(path.join(dir, `secret.${ext}`), `${OUTSIDE_CANARY}\n`);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  return dir;
}

/** Files (text or bytes) and symlinks written into a fresh workspace. */
export interface WorkspaceSpec {
  files?: Record<string, string | Buffer>;
  /** link path → target (absolute, or relative to the link). */
  links?: Record<string, string>;
}

export function makeWorkspace(spec: WorkspaceSpec): string {
  const ws = mkdtempSync(path.join(tmpdir(), 'hostile-ws-'));
  for (const [rel, content] of Object.entries(spec.files ?? {})) {
    mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    writeFileSync(path.join(ws, rel), content);
  }
  for (const [rel, target] of Object.entries(spec.links ?? {})) {
    mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    symlinkSync(target, path.join(ws, rel));
  }
  return ws;
}

/** The commands the actions themselves issue; anything else came from untrusted text. */
const OWN_COMMANDS = new Set(['error', 'warning', 'notice', 'debug', 'group', 'endgroup', 'add-mask']);

export interface CleanOptions {
  /** Exactly the values the action masks (checked when given). */
  masks?: readonly string[];
  /** Values that must not appear outside their mask command; SECRET always counts. */
  secrets?: readonly string[];
}

/**
 * Holds for every run, refused or not: no stack, no escape, no canary, no secret outside its mask,
 * no foreign command, bounded lines.
 */
export function expectClean(r: RunResult, options: CleanOptions = {}): void {
  expect(r.stdout).not.toContain('Stack trace');
  expect(r.stdout).not.toContain('unexpected error');
  expect(r.stdout).not.toContain('\u001b');
  const everything = [r.stdout, r.stderr, r.summary, ...Object.values(r.outputs)].join('\n');
  expect(everything).not.toContain(OUTSIDE_CANARY);
  const unmasked = [r.stdout.replace(/^::add-mask::.*$/gm, ''), r.stderr, r.summary, ...Object.values(r.outputs)].join(
    '\n',
  );
  for (const s of [SECRET, ...(options.secrets ?? [])]) expect(unmasked).not.toContain(s);
  for (const c of r.commands) {
    expect(OWN_COMMANDS.has(c.command), `command '${c.command}' at stdout line ${c.line}`).toBe(true);
    expect(c.message.startsWith('INJECTED')).toBe(false);
  }
  for (const line of r.stdout.split('\n')) {
    expect(/^\s*::(?!(?:error|warning|notice|debug|group|endgroup|add-mask)\b)/.test(line), line.slice(0, 300)).toBe(
      false,
    );
    expect(line.length, line.slice(0, 300)).toBeLessThan(4000);
  }
  if (options.masks !== undefined) expect(r.masks).toEqual(options.masks);
  for (const a of r.annotations) expect(a.message.length, a.message.slice(0, 300)).toBeLessThan(2000);
}

/** A refused run: exit 1 and exactly one error line, equal to or matching `error`. */
export function expectRefused(r: RunResult, error: string | RegExp, options: CleanOptions = {}): void {
  expectClean(r, options);
  const errors = r.annotations.filter((a) => a.level === 'error');
  expect(
    errors.map((e) => e.message),
    r.stdout.slice(-2000),
  ).toHaveLength(1);
  const message = errors[0]?.message ?? '';
  if (typeof error === 'string') expect(message).toBe(error);
  else expect(message).toMatch(error);
  expect(r.exitCode).toBe(1);
}
