import { describe, expect, it } from 'vitest';
import { checkDiffApplies, parseUnifiedDiff } from '../src/diff.js';
import { PathMapper } from '../src/paths.js';
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
    const diff = 'diff --git "a/d\\303\\251j\\303\\240 vu.py" "b/d\\303\\251j\\303\\240 vu.py"\n--- "a/d\\303\\251j\\303\\240 vu.py"\n+++ "b/d\\303\\251j\\303\\240 vu.py"\n@@ -0,0 +1 @@\n+x\n';
    expect([...parseUnifiedDiff(diff, 'q.diff').keys()]).toEqual(['déjà vu.py']);
  });
  it('refuses a truncated hunk, a bad header and non-diff text, naming the file and line', () => {
    expect(() => parseUnifiedDiff('--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n', 'cut.diff')).toThrow(/^cut\.diff:\d+: is truncated/);
    expect(() => parseUnifiedDiff('--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n?junk\n b\n', 'bad.diff')).toThrow(/^bad\.diff:5: hunk ends early/);
    expect(() => parseUnifiedDiff('--- a/x\n+++ b/x\n@@ nonsense @@\n', 'h.diff')).toThrow(/^h\.diff:3: invalid hunk header/);
    expect(() => parseUnifiedDiff('hello\n', 'n.diff')).toThrow(/^n\.diff: is not a unified diff/);
    expect(parseUnifiedDiff('', 'empty.diff').size).toBe(0);
  });
  it('checks that a diff describes the tree', () => {
    const changes = parseUnifiedDiff('--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,3 @@\n a\n+b\n c\n', 'x.diff');
    expect(checkDiffApplies(changes, () => ['a', 'b', 'c'])).toBeUndefined();
    expect(checkDiffApplies(changes, () => ['a', 'B', 'c'])).toMatchObject({ path: 'x.py', diffLine: 3, problem: expect.stringMatching(/x\.py line 2 differs/) });
    expect(checkDiffApplies(changes, () => undefined)).toMatchObject({ problem: 'changes x.py, which is not in the workspace' });
  });
});

describe('report paths are mapped to the workspace', () => {
  const files = new Set(['bottle.py', 'src/app/main.py', 'test/test_x.py', 'src/main/java/com/x/Y.java']);
  const mapper = new PathMapper({ root: '/ws/repo', prefixes: ['/home/runner/work/app/app'], exists: (p) => files.has(p) });
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
