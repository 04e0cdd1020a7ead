import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LineSource } from '../src/fingerprint.js';
import { isObject } from '../src/json-access.js';
import { workspaceLines } from '../src/load-reports.js';
import { mergeFindings } from '../src/merge.js';
import type { Finding } from '../src/model.js';
import { fixtureJson, noSource, parseDoc } from './helpers.js';

const SHIFT = 7;
const LINE_KEYS = new Set(['line_number', 'startLine', 'endLine', 'StartLine', 'EndLine', 'line']);

/** A copy of a report with every line number moved down by SHIFT, as after inserting lines at the top of every file. */
function shifted(value: unknown, key = ''): unknown {
  if (Array.isArray(value))
    return value.map((v) => (key === 'line_range' && typeof v === 'number' ? v + SHIFT : shifted(v)));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shifted(v, k)]));
  if (typeof value === 'number' && LINE_KEYS.has(key)) return value + SHIFT;
  // bandit's `code` prefixes each source line with its number.
  if (typeof value === 'string' && key === 'code') return value.replace(/^(\d+)/gm, (n) => String(Number(n) + SHIFT));
  return value;
}

const CODE_FIXTURES = [
  'bandit/bandit.json',
  'semgrep/many_findings.json',
  'semgrep/repeated_findings.json',
  'trivy/fs-pip-misconfig-secrets.json',
  'sarif/codeql-2.5.4.sarif',
  'sarif/eslint.sarif',
  'sarif/semgrep-0.17.0-owasp-benchmark.sarif',
];

function codePrints(findings: Finding[]): string[] {
  return findings
    .filter((f) => f.package === undefined)
    .map((f) => f.fingerprint)
    .sort();
}

/** An in-memory checkout: every reported line holds distinct text; `offset` blank lines are inserted at the top. */
function syntheticSource(doc: unknown, offset: number): LineSource {
  const r = parseDoc(doc, 'r.json');
  const files = new Map<string, string[]>();
  for (const f of r.findings) {
    const l = f.location;
    if (!l?.inWorkspace || l.line === undefined) continue;
    const lines = files.get(l.path) ?? [];
    lines[l.line - 1] = `statement at line ${l.line} of ${l.path}`;
    files.set(l.path, lines);
  }
  return (p: string) => {
    const lines = files.get(p);
    return lines === undefined
      ? undefined
      : [...Array<string>(offset).fill('# inserted'), ...Array.from(lines, (x: string | undefined) => x ?? '')];
  };
}

describe('code fingerprints survive unrelated edits', () => {
  it.each(CODE_FIXTURES)(
    '%s: shifted line numbers keep every code fingerprint (checkout present)',
    (file) => {
      const doc = fixtureJson(file);
      const before = mergeFindings(parseDoc(doc, file).findings, syntheticSource(doc, 0)).findings;
      const after = mergeFindings(parseDoc(shifted(doc), file).findings, syntheticSource(doc, SHIFT)).findings;
      expect(codePrints(before).length).toBeGreaterThan(0);
      expect(codePrints(after)).toEqual(codePrints(before));
    },
    30_000,
  );

  it.each(['bandit/bandit.json', 'semgrep/many_findings.json', 'sarif/codeql-2.5.4.sarif'])(
    '%s: shifted line numbers keep every fingerprint from the report alone (snippets, tool fingerprints)',
    (file) => {
      const doc = fixtureJson(file);
      const before = codePrints(mergeFindings(parseDoc(doc, file).findings, noSource).findings);
      const after = codePrints(mergeFindings(parseDoc(shifted(doc), file).findings, noSource).findings);
      expect(after).toEqual(before);
    },
    30_000,
  );

  it('a changed line changes the fingerprint; identical lines in one file are told apart by occurrence', () => {
    const doc = fixtureJson('bandit/bandit.json');
    const r = parseDoc(doc, 'b.json').findings;
    const prints = mergeFindings(r, noSource).findings;
    expect(new Set(prints.map((f) => f.fingerprint)).size).toBe(r.length);
    const edited = r.map((f) => (f.location?.line === 99 ? { ...f, snippet: 'import pickle as p' } : f));
    const after = mergeFindings(edited, noSource).findings;
    const changed = prints.filter((f, i) => f.fingerprint !== after[i]?.fingerprint);
    expect(changed.map((f) => f.location?.line)).toEqual([99]);
  });

  it('reads source lines from the workspace and ignores paths outside it', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ss-ws-'));
    mkdirSync(path.join(root, 'src'));
    const source = ['import os', '', 'def run(cmd):', '    os.system(cmd)', ''];
    writeFileSync(path.join(root, 'src/app.py'), source.join('\n'));
    writeFileSync(path.join(root, 'src/moved.py'), ['# a new header', '# two lines', ...source].join('\n'));
    const lines = workspaceLines(root);
    expect(lines('src/app.py')?.[3]).toBe('    os.system(cmd)');
    expect(lines('../etc/passwd')).toBeUndefined();
    expect(lines('src/missing.py')).toBeUndefined();
    const semgrep = (file: string, line: number): unknown => ({
      results: [
        {
          check_id: 'python.lang.security.audit.system-call',
          path: file,
          start: { line, col: 5 },
          end: { line, col: 19 },
          extra: { message: 'os.system', severity: 'ERROR', lines: 'requires login', metadata: {} },
        },
      ],
      errors: [],
    });
    const a = mergeFindings(parseDoc(semgrep('src/app.py', 4)).findings, lines).findings[0];
    const b = mergeFindings(parseDoc(semgrep('src/moved.py', 6)).findings, lines).findings[0];
    const aElsewhere = mergeFindings(parseDoc(semgrep('src/app.py', 1)).findings, lines).findings[0];
    // Same rule + line text, different file → different; same file, other line text → different.
    expect(a?.fingerprint).not.toBe(b?.fingerprint);
    expect(aElsewhere?.fingerprint).not.toBe(a?.fingerprint);
    writeFileSync(path.join(root, 'src/app.py'), ['# a new header', '# two lines', ...source].join('\n'));
    const again = mergeFindings(parseDoc(semgrep('src/app.py', 6)).findings, workspaceLines(root)).findings[0];
    expect(again?.fingerprint).toBe(a?.fingerprint);
  });
});
