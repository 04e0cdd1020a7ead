import path from 'node:path';
import { seededRandom } from '@spikeformer-actions/core';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fixturePath } from '@spikeformer-actions/testing';
import { checkDiffApplies, DiffStream, parseUnifiedDiff } from '../src/diff.js';
import { joinUnder, PathMapper } from '../src/paths.js';
import { formatRanges, mergeRanges } from '../src/ranges.js';

describe('unified diff parsing', () => {
  it('counts added lines only, skips deleted files, follows renames, ignores "no newline" markers', () => {
    const diff = [
      'diff --git a/old.py b/new.py',
      'similarity index 90%',
      'rename from old.py',
      'rename to new.py',
      '--- a/old.py',
      '+++ b/new.py',
      '@@ -1,3 +1,4 @@',
      ' a',
      '-b',
      '+B',
      '+C',
      ' d',
      '\\ No newline at end of file',
      'diff --git a/gone.py b/gone.py',
      'deleted file mode 100644',
      '--- a/gone.py',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      '-x',
      '-y',
      'diff --git a/z.py b/z.py',
      '--- a/z.py',
      '+++ b/z.py',
      '@@ -10,0 +11,2 @@ def f():',
      '+++ not a header, an added line',
      '+--- nor this',
      '',
    ].join('\n');
    const changes = parseUnifiedDiff(diff, 'x.diff');
    expect([...changes.keys()]).toEqual(['new.py', 'z.py']);
    expect(changes.get('new.py')?.added).toEqual([2, 3]);
    expect(changes.get('z.py')?.added).toEqual([11, 12]);
  });
  it('reads git C-quoted paths', () => {
    const diff =
      'diff --git "a/d\\303\\251j\\303\\240 vu.py" "b/d\\303\\251j\\303\\240 vu.py"\n--- "a/d\\303\\251j\\303\\240 vu.py"\n+++ "b/d\\303\\251j\\303\\240 vu.py"\n@@ -0,0 +1 @@\n+x\n';
    expect([...parseUnifiedDiff(diff, 'q.diff').keys()]).toEqual(['déjà vu.py']);
  });
  it('refuses a truncated hunk, a bad header and non-diff text, naming the file and line', () => {
    expect(() => parseUnifiedDiff('--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n', 'cut.diff')).toThrow(
      /^cut\.diff:\d+: is truncated/,
    );
    expect(() => parseUnifiedDiff('--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n?junk\n b\n', 'bad.diff')).toThrow(
      /^bad\.diff:5: hunk ends early/,
    );
    expect(() => parseUnifiedDiff('--- a/x\n+++ b/x\n@@ nonsense @@\n', 'h.diff')).toThrow(
      /^h\.diff:3: invalid hunk header/,
    );
    expect(() => parseUnifiedDiff('hello\n', 'n.diff')).toThrow(/^n\.diff: is not a unified diff/);
    expect(parseUnifiedDiff('', 'empty.diff').size).toBe(0);
  });
  it('checks that a diff describes the tree', () => {
    const text = '--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,3 @@\n a\n+b\n c\n';
    const changes = parseUnifiedDiff(text, 'x.diff');
    expect(checkDiffApplies(text, changes, () => 'a\nb\nc\n')).toBeUndefined();
    expect(checkDiffApplies(text, changes, () => 'a\r\nb\r\nc\r\n')).toBeUndefined();
    expect(checkDiffApplies(text, changes, () => 'a\nB\nc\n')).toMatchObject({
      path: 'x.py',
      diffLine: 3,
      problem: expect.stringMatching(/x\.py line 2 differs/),
    });
    expect(checkDiffApplies(text, changes, () => 'a\nb')).toMatchObject({
      problem: expect.stringMatching(/x\.py line 3 differs/),
    });
    expect(checkDiffApplies(text, changes, () => 'a\nbb\nc')).toMatchObject({
      problem: expect.stringMatching(/x\.py line 2 differs/),
    });
    expect(checkDiffApplies(text, changes, () => undefined)).toMatchObject({
      problem: 'changes x.py, which is not in the workspace',
    });
  });
  it('checks every hunk, in any order, with CRLF diffs and context lines stripped of their space', () => {
    const text = ['--- a/y.py', '+++ b/y.py', '@@ -5 +5 @@', '-old', '+five', '@@ -1 +1,2 @@', '', '+two'].join('\r\n');
    const changes = parseUnifiedDiff(text, 'y.diff');
    expect(changes.get('y.py')?.added).toEqual([2, 5]);
    const file = ['', 'two', '3', '4', 'five', ''].join('\n');
    expect(checkDiffApplies(text, changes, () => file)).toBeUndefined();
    expect(checkDiffApplies(text, changes, () => file.replace('five', 'fiv'))).toMatchObject({
      diffLine: 3,
      problem: expect.stringMatching(/line 5 differs/),
    });
    expect(checkDiffApplies(text, changes, () => file.replace('two', 'Two'))).toMatchObject({
      diffLine: 6,
      problem: expect.stringMatching(/line 2 differs/),
    });
  });
});

describe('a diff read as it arrives', () => {
  /** The outcome of reading bytes in pieces cut at the given sizes (cycled): the changes, or the error. */
  function streamed(bytes: Buffer, sizes: number[]): unknown {
    const stream = new DiffStream('s.diff');
    try {
      for (let at = 0, k = 0; at < bytes.length; k++) {
        const size = sizes[k % sizes.length] as number;
        stream.push(bytes.subarray(at, at + size));
        at += size;
      }
      return stream.end();
    } catch (error) {
      return String(error);
    }
  }
  function whole(text: string): unknown {
    try {
      return parseUnifiedDiff(text, 's.diff', { keepText: false });
    } catch (error) {
      return String(error);
    }
  }

  it('gives what one parse of the whole text gives, however the bytes are cut', () => {
    const fixture = readFileSync(fixturePath('reports/coverage/pr.diff'), 'utf8');
    const texts = [
      fixture,
      fixture.replaceAll('\n', '\r\n'),
      'diff --git "a/d\\303\\251j\\303\\240.py" "b/d\\303\\251j\\303\\240.py"\n--- a/x\n+++ b/déjà.py\n@@ -1,2 +1,3 @@\n é\n+ü€\n-ö\n ñ\n\\ No newline at end of file\n',
      '--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n', // truncated
      '--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n?junk\n b\n', // hunk ends early, on line 5
      '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b', // no final newline
      'hello\n',
      '',
    ];
    for (const text of texts) {
      const bytes = Buffer.from(text, 'utf8');
      const want = whole(text);
      for (const sizes of [[bytes.length || 1], [1], [2, 3], [7, 1, 64], [4096]])
        expect([text.slice(0, 40), sizes, streamed(bytes, sizes)]).toEqual([text.slice(0, 40), sizes, want]);
    }
    expect((whole(fixture) as Map<string, unknown>).size).toBeGreaterThan(1);
    expect(String(whole(texts[4] as string))).toMatch(/s\.diff:5: hunk ends early/);
  });
});

describe('the apply check, hunk by hunk and line by line', () => {
  it('refuses a line whose lone CR is followed by a prefix character (no line starts there)', () => {
    const text = '--- a/c.py\n+++ b/c.py\n@@ -1 +1 @@\n-a\n+a\r+b\n';
    const changes = parseUnifiedDiff(text, 'c.diff');
    expect(checkDiffApplies(text, changes, () => 'a\r+b\n')).toBeUndefined();
    expect(checkDiffApplies(text, changes, () => 'a\rb\n')).toMatchObject({
      problem: expect.stringMatching(/c\.py line 1 differs/),
    });
  });
  it('accepts a last line without newline and "\\ No newline" markers inside a hunk', () => {
    const text =
      '--- a/n.py\n+++ b/n.py\n@@ -1,2 +1,2 @@\n a\n-x\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n';
    const changes = parseUnifiedDiff(text, 'n.diff');
    expect(checkDiffApplies(text, changes, () => 'a\nb')).toBeUndefined();
    expect(checkDiffApplies(text, changes, () => 'a\nb\n')).toBeUndefined();
    expect(checkDiffApplies(text, changes, () => 'a\nc')).toMatchObject({
      problem: expect.stringMatching(/n\.py line 2 differs/),
    });
  });

  /**
   * The check's meaning spelled out: each new-side line of each hunk equals the file's line there
   * (a trailing CR aside).
   */
  function reference(
    text: string,
    changes: ReturnType<typeof parseUnifiedDiff>,
    files: Map<string, string>,
  ): string | undefined {
    for (const change of changes.values()) {
      const fileLines = (files.get(change.path) ?? '').split('\n').map((l) => l.replace(/\r$/, ''));
      // As split('\n') has them: after a final newline comes one more, empty, line (an added empty
      // last line is accepted).
      const count = fileLines.length;
      for (const hunk of change.hunks) {
        let line = hunk.newStart;
        for (const raw of text.slice(hunk.bodyStart, hunk.bodyEnd).split('\n').slice(0, -1)) {
          const l = raw.replace(/\r$/, '');
          if (l.startsWith('-') || l.startsWith('\\')) continue;
          const want = l === '' ? '' : l.slice(1);
          if (line > count || fileLines[line - 1] !== want) return `${change.path} line ${line}`;
          line++;
        }
      }
    }
    return undefined;
  }

  it('agrees with a line-by-line reading on 400 seeded random diffs and edited files', () => {
    const random = seededRandom(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const words = ['a', 'b', '', '+x', '-y', ' z', 'q\rr', '\\w', 'long line of text'];
    let fastConfirmed = 0;
    let refused = 0;
    for (let round = 0; round < 400; round++) {
      const eol = random() < 0.2 ? '\r\n' : '\n';
      const lines = Array.from({ length: 5 + Math.floor(random() * 30) }, () => pick(words));
      // hunks over the new file: context and added lines from it, removed lines invented
      const body: string[] = ['--- a/f.py', '+++ b/f.py'];
      let at = 1;
      while (at <= lines.length) {
        at += Math.floor(random() * 4);
        const size = Math.min(1 + Math.floor(random() * 6), lines.length - at + 1);
        if (size <= 0) break;
        const removed = Math.floor(random() * 3);
        body.push(`@@ -${at},${size - Math.min(size, 1) + removed} +${at},${size} @@`);
        for (let k = 0; k < size; k++) {
          if (k === 0) body.push(`+${lines[at - 1 + k]}`);
          else body.push(` ${lines[at - 1 + k]}`);
        }
        for (let r = 0; r < removed; r++) body.push(`-${pick(words)}`);
        at += size;
      }
      const text = `${body.join(eol)}${eol}`;
      const changes = parseUnifiedDiff(text, 'r.diff');
      const edited = [...lines];
      const edit = random();
      if (edit < 0.3) edited[Math.floor(random() * edited.length)] = 'edited';
      else if (edit < 0.4) edited.splice(Math.floor(random() * edited.length), 1);
      const fileEol = random() < 0.8 ? eol : eol === '\n' ? '\r\n' : '\n';
      const content = edited.join(fileEol) + (random() < 0.8 ? fileEol : '');
      const got = checkDiffApplies(text, changes, () => content);
      const want = reference(text, changes, new Map([['f.py', content]]));
      expect([round, got === undefined ? undefined : got.problem.match(/f\.py line \d+/)?.[0]]).toEqual([round, want]);
      if (got === undefined && fileEol === eol && content.endsWith(fileEol)) fastConfirmed++;
      if (got !== undefined) refused++;
    }
    // both ways of ending are exercised
    expect(fastConfirmed).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(50);
  });
});

describe('report paths are mapped to the workspace', () => {
  it('joins like path.join, also for paths that need normalising', () => {
    for (const dir of ['/ws/repo', '/', '/ws/repo/', '/ws/./repo', 'rel/dir']) {
      for (const rel of ['a.py', 'src/a/b.py', './a.py', 'src/../a.py', 'a//b.py', 'src/', '../up.py', '', '.']) {
        expect([dir, rel, joinUnder(dir, rel)]).toEqual([dir, rel, path.join(dir, rel)]);
      }
    }
  });
  const files = new Set(['bottle.py', 'src/app/main.py', 'test/test_x.py', 'src/main/java/com/x/Y.java']);
  const mapper = new PathMapper({
    root: '/ws/repo',
    prefixes: ['/home/runner/work/app/app'],
    exists: (p) => files.has(p),
  });
  it.each([
    ['bottle.py', [], 'bottle.py'],
    ['main.py', ['/ws/repo/src/app'], 'src/app/main.py'],
    ['app/main.py', ['src'], 'src/app/main.py'],
    ['/ws/repo/test/test_x.py', [], 'test/test_x.py'],
    ['/home/runner/work/app/app/src/app/main.py', [], 'src/app/main.py'],
    ['file:///ws/repo/bottle.py', [], 'bottle.py'],
    ['C:\\build\\agent\\src\\app\\main.py', [], 'src/app/main.py'],
    ['/elsewhere/checkout/bottle.py', [], 'bottle.py'],
    ['com/x/Y.java', ['src/main/java'], 'src/main/java/com/x/Y.java'],
    ['nothere.py', [], undefined],
    ['../outside.py', [], undefined],
  ] as Array<[string, string[], string | undefined]>)('%s → %s', (reportPath, roots, expected) => {
    expect(mapper.map(reportPath, roots)).toBe(expected);
  });
});

describe('line ranges', () => {
  it('merges runs and bridges non-executable lines only', () => {
    const executable = new Set([1, 2, 3, 5, 6, 7, 9, 10]);
    expect(formatRanges(mergeRanges([1, 2, 3, 5, 6, 9], (l) => !executable.has(l)))).toBe('1-6, 9');
    expect(formatRanges(mergeRanges([1, 3]))).toBe('1, 3');
    expect(mergeRanges([])).toEqual([]);
  });
});
