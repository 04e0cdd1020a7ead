import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunResult } from '@spikeformer-actions/testing';
import { expect } from 'vitest';

/** What no run may ever print, write or output: content of a file outside the workspace. */
export const OUTSIDE_CANARY = 'OUTSIDE-CANARY-7c41aa';
/** Untrusted text that would be a workflow command, a second line or a terminal escape if printed raw. */
export const INJECTION = '::error::INJECTED%0A::warning::INJECTED ::stop-commands::tok ##[error]INJECTED\u001b[31mRED';

/** A directory outside every workspace holding the canary as a package.json, a requirements file and a lockfile. */
export function outsideDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sbom-outside-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: OUTSIDE_CANARY, version: '6.6.6' }));
  writeFileSync(path.join(dir, 'requirements.txt'), `${OUTSIDE_CANARY.toLowerCase()}==6.6.6\n`);
  mkdirSync(path.join(dir, 'pkg'));
  writeFileSync(path.join(dir, 'pkg', 'package.json'), JSON.stringify({ name: OUTSIDE_CANARY, version: '6.6.6' }));
  return dir;
}

/** Files (text or bytes) and symlinks written into a fresh workspace. */
export interface WorkspaceSpec {
  files?: Record<string, string | Buffer>;
  /** link path → target (absolute, or relative to the link). */
  links?: Record<string, string>;
}

export function makeWorkspace(spec: WorkspaceSpec): string {
  const ws = mkdtempSync(path.join(tmpdir(), 'sbom-hostile-'));
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

/** The commands the action itself issues; anything else came from untrusted text. */
const OWN_COMMANDS = new Set(['error', 'warning', 'notice', 'debug', 'group', 'endgroup', 'add-mask']);

/** Holds for every run, refused or not: no stack, no escape, no canary, no secret outside its mask, no foreign command. */
export function expectClean(r: RunResult, secrets: readonly string[] = []): void {
  expect(r.stdout).not.toContain('Stack trace');
  expect(r.stdout).not.toContain('unexpected error');
  expect(r.stdout).not.toContain('\u001b');
  const everything = [r.stdout, r.stderr, r.summary, ...Object.values(r.outputs)].join('\n');
  expect(everything).not.toContain(OUTSIDE_CANARY);
  const unmasked = [r.stdout.replace(/^::add-mask::.*$/gm, ''), r.stderr, r.summary, ...Object.values(r.outputs)].join('\n');
  for (const s of secrets) expect(unmasked).not.toContain(s);
  for (const c of r.commands) {
    expect(OWN_COMMANDS.has(c.command), `command '${c.command}' at stdout line ${c.line}`).toBe(true);
    expect(c.message.startsWith('INJECTED')).toBe(false);
  }
  for (const line of r.stdout.split('\n')) expect(/^\s*::(?!(?:error|warning|notice|debug|group|endgroup|add-mask)\b)/.test(line), line.slice(0, 300)).toBe(false);
  for (const a of r.annotations) expect(a.message.length, a.message.slice(0, 300)).toBeLessThan(2000);
}

/** A refused run: exit 1 and exactly one error line, equal to or matching `error`. */
export function expectRefused(r: RunResult, error: string | RegExp, secrets: readonly string[] = []): void {
  expectClean(r, secrets);
  const errors = r.annotations.filter((a) => a.level === 'error');
  expect(errors.map((e) => e.message), r.stdout.slice(-2000)).toHaveLength(1);
  const message = errors[0]?.message ?? '';
  if (typeof error === 'string') expect(message).toBe(error);
  else expect(message).toMatch(error);
  expect(r.exitCode).toBe(1);
}
