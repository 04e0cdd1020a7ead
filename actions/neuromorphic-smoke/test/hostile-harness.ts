import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunResult } from '@spikeformer-actions/testing';
import { expect } from 'vitest';

/** What no run may ever print, write or output: content of a file outside the workspace, and a secret. */
export const OUTSIDE_CANARY = 'OUTSIDE-CANARY-5b9e1d';
export const SECRET = 'ghp_HOSTILEsecret0123456789abcdefABCDEF';
/** Untrusted text that would be a workflow command, a second line or a terminal escape if printed raw. */
export const INJECTION = '::error::INJECTED%0A::warning::INJECTED\n::stop-commands::tok\n##[error]INJECTED\u001b[31mRED';

/** A directory outside every workspace holding the canary, as `secret.*` files. */
export function outsideDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hostile-outside-'));
  for (const ext of ['txt', 'csv', 'json', 'yml', 'nir', 'h5']) writeFileSync(path.join(dir, `secret.${ext}`), `${OUTSIDE_CANARY}\n`);
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  return dir;
}

/** The commands the actions themselves issue; anything else came from untrusted text. */
const OWN_COMMANDS = new Set(['error', 'warning', 'notice', 'debug', 'group', 'endgroup', 'add-mask']);

/** Holds for every run, refused or not; `masks` are the secrets the action itself registers. */
export function expectClean(r: RunResult, masks: string[] = []): void {
  expect(r.stdout).not.toContain('Stack trace');
  expect(r.stdout).not.toContain('unexpected error');
  expect(r.stdout).not.toContain('\u001b');
  // The one place a secret may appear is the command that masks it.
  const stdout = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n');
  const everything = [stdout, r.stderr, r.summary, ...Object.values(r.outputs)].join('\n');
  expect(everything).not.toContain(OUTSIDE_CANARY);
  expect(everything).not.toContain(SECRET);
  for (const c of r.commands) {
    expect(OWN_COMMANDS.has(c.command), `command '${c.command}' at stdout line ${c.line}`).toBe(true);
    expect(c.message.startsWith('INJECTED')).toBe(false);
  }
  expect(r.masks).toEqual(masks);
  for (const a of r.annotations) expect(a.message.length, a.message.slice(0, 300)).toBeLessThan(2000);
  for (const line of r.stdout.split('\n')) expect(line.length, line.slice(0, 300)).toBeLessThan(4000);
}

/** A refused run: exit 1 and exactly one error line, equal to or matching `error`. */
export function expectRefused(r: RunResult, error: string | RegExp, masks: string[] = []): void {
  expectClean(r, masks);
  const errors = r.annotations.filter((a) => a.level === 'error');
  expect(errors.map((e) => e.message), r.stdout.slice(-2000)).toHaveLength(1);
  const message = errors[0]?.message ?? '';
  if (typeof error === 'string') expect(message).toBe(error);
  else expect(message).toMatch(error);
  expect(r.exitCode).toBe(1);
}
