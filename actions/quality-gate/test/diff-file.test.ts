import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDiffFile, readReportText } from '../src/diff-file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'qg-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading reports and diff files', () => {
  it('reads ASCII as is and UTF-8 with its BOM dropped', async () => {
    writeFileSync(path.join(dir, 'ascii.xml'), '<coverage/>\n');
    writeFileSync(path.join(dir, 'utf8.xml'), '\uFEFF<coverage name="déjà vu"/>\n');
    expect(await readReportText(path.join(dir, 'ascii.xml'), 'ascii.xml')).toBe('<coverage/>\n');
    expect(await readReportText(path.join(dir, 'utf8.xml'), 'utf8.xml')).toBe('<coverage name="déjà vu"/>\n');
    await expect(readReportText(path.join(dir, 'missing.xml'), 'missing.xml')).rejects.toThrow(
      /^missing\.xml: cannot be read \(ENOENT\)/,
    );
  });
  it('returns the added lines of a diff that describes the workspace, and names the diff line when it does not', async () => {
    writeFileSync(path.join(dir, 'a.py'), 'x = 1\ny = "é"\n');
    writeFileSync(path.join(dir, 'ok.diff'), '--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n x = 1\n-y = 2\n+y = "é"\n');
    writeFileSync(path.join(dir, 'stale.diff'), '--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n x = 1\n-y = 2\n+y = 3\n');
    writeFileSync(path.join(dir, 'elsewhere.diff'), '--- a/b.py\n+++ b/b.py\n@@ -0,0 +1 @@\n+z = 1\n');
    expect((await readDiffFile(path.join(dir, 'ok.diff'), 'ok.diff', dir)).get('a.py')?.added).toEqual([2]);
    await expect(readDiffFile(path.join(dir, 'stale.diff'), 'stale.diff', dir)).rejects.toThrow(
      /^stale\.diff:3: does not match the workspace: a\.py line 2 differs/,
    );
    await expect(readDiffFile(path.join(dir, 'elsewhere.diff'), 'elsewhere.diff', dir)).rejects.toThrow(
      /^elsewhere\.diff:3: changes b\.py, which is not in the workspace/,
    );
  });
});
