import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileError, UserError } from '@spikeformer-actions/core';
import { ensureBundled } from '@spikeformer-actions/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesRequest } from '../src/changes.js';
import { packChanges, packError, startChanges, unpack } from '../src/changes-thread.js';

const dir = mkdtempSync(path.join(tmpdir(), 'qg-thread-'));
let workerFile = '';
beforeAll(() => {
  workerFile = path.join(path.dirname(ensureBundled('actions/quality-gate')), 'worker', 'index.js');
  writeFileSync(path.join(dir, 'a.py'), 'x = 1\ny = 2\nz = 3\n');
  writeFileSync(path.join(dir, 'ok.diff'), '--- a/a.py\n+++ b/a.py\n@@ -1,3 +1,3 @@\n x = 1\n-y = 1\n+y = 2\n z = 3\n@@ -5,0 +3,0 @@\n');
  writeFileSync(path.join(dir, 'stale.diff'), '--- a/a.py\n+++ b/a.py\n@@ -1,3 +1,3 @@\n x = 1\n-y = 1\n+y = 5\n z = 3\n');
  writeFileSync(path.join(dir, 'broken.diff'), '--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n@@ -1,3 +1,x @@\n');
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const request = (diff: string): ChangesRequest => ({ diffFile: path.join(dir, diff), diffBase: '', root: dir, eventPath: '' });

/** The outcome of waiting, as comparable data: the added lines per file, or the error's class, message and location. */
async function outcome(workerPath: string | undefined, diff: string): Promise<unknown> {
  try {
    const c = await startChanges(request(diff), workerPath).wait();
    return { source: c.source, files: [...(c.changes?.values() ?? [])].map((f) => [f.path, f.added]) };
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message, location: error instanceof UserError ? error.location : undefined };
  }
}

describe('finding the changes on a worker', () => {
  it('gives the same changes and the same errors on the bundled worker as in this thread', async () => {
    for (const diff of ['ok.diff', 'stale.diff', 'broken.diff']) {
      expect(await outcome(workerFile, diff)).toEqual(await outcome(undefined, diff));
    }
    expect(await outcome(workerFile, 'ok.diff')).toEqual({ source: 'diff-file ok.diff', files: [['a.py', [2]]] });
    expect(await outcome(workerFile, 'stale.diff')).toEqual({
      error: 'FileError',
      message: 'stale.diff:3: does not match the workspace: a.py line 2 differs from the diff (is the checkout at the diff\'s new side?)',
      location: { file: 'stale.diff', line: 3 },
    });
    expect(await outcome(workerFile, 'broken.diff')).toEqual({
      error: 'FileError',
      message: 'broken.diff:4: hunk ends early: expected 1 more new and 1 more old lines',
      location: { file: 'broken.diff', line: 4 },
    });
  }, 60_000);

  it('carries every kind of error across as the same class, message and location', () => {
    const cases: Error[] = [
      new FileError('r.diff', 'bad hunk', { line: 4, column: 2 }),
      new UserError('git diff failed', { location: { file: 'x', line: 1 } }),
      new UserError('no location'),
      new TypeError('unexpected'),
    ];
    for (const error of cases) {
      const back = (() => {
        try {
          unpack(structuredClone(packError(error)));
        } catch (e) {
          return e as Error;
        }
        throw new Error('unpack did not throw');
      })();
      expect(back.message).toBe(error.message);
      expect(back instanceof UserError).toBe(error instanceof UserError);
      if (error instanceof FileError) expect(back).toBeInstanceOf(FileError);
      if (error instanceof UserError) expect((back as UserError).location).toEqual(error.location);
      else expect(back.stack).toBe(error.stack);
    }
  });

  it('carries the added lines and the notes, without the hunks', () => {
    const packed = structuredClone(packChanges({ changes: new Map([['b.py', { path: 'b.py', added: [3, 7], hunks: [{ diffLine: 1, newStart: 3, newCount: 1, bodyStart: 0, bodyEnd: 2 }] }]]), source: 'git diff main...HEAD', note: 'n' }));
    expect(unpack(packed)).toEqual({ changes: new Map([['b.py', { path: 'b.py', added: [3, 7], hunks: [] }]]), source: 'git diff main...HEAD', note: 'n' });
    expect(unpack(structuredClone(packChanges({ noDiffReason: 'not a pull request' })))).toEqual({ noDiffReason: 'not a pull request' });
  });
});
