import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FileError,
  parseJsonText,
  parseXmlText,
  parseYamlDocuments,
  parseYamlText,
  readJsonFile,
  readTextFile,
} from '../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sf-files-'));

describe('file helpers', () => {
  it('refuses a file over the size limit, naming it', async () => {
    const file = path.join(dir, 'big.json');
    writeFileSync(file, 'x'.repeat(2048));
    await expect(readTextFile(file, 1024, 'reports/big.json')).rejects.toThrow(
      'reports/big.json: is 2.0 KiB, over the limit of 1.0 KiB',
    );
    expect(await readTextFile(file, 4096)).toHaveLength(2048);
  });

  it('names a missing file', async () => {
    await expect(readTextFile(path.join(dir, 'nope'), 10, 'nope.json')).rejects.toThrow(
      'nope.json: cannot be read (ENOENT)',
    );
  });

  it('JSON errors carry file, line and column', () => {
    expect(() => parseJsonText('{\n  "a": 1,\n  "b": tru\n}', 'r.json')).toThrow(/^r\.json:3:\d+: invalid JSON/);
    expect(() => parseJsonText('{"a": [1, 2', 'trunc.json')).toThrow(/^trunc\.json:1:\d+: invalid JSON/);
    expect(() => parseJsonText('  ', 'empty.json')).toThrow('empty.json:1:3: is empty, expected JSON');
  });

  it('strips a BOM before parsing', async () => {
    const file = path.join(dir, 'bom.json');
    writeFileSync(file, '\ufeff{"ok":true}');
    expect(await readJsonFile(file)).toEqual({ ok: true });
  });

  it('YAML errors carry file and line; duplicate keys are errors', () => {
    expect(() => parseYamlText('a: 1\nb:\n  - x\n  y: 2\n', 'c.yml')).toThrow(/^c\.yml:4:\d+: invalid YAML/);
    expect(() => parseYamlText('a: 1\na: 2\n', 'dup.yml')).toThrow(
      /^dup\.yml:2:1: invalid YAML: Map keys must be unique/,
    );
    expect(parseYamlDocuments('a: 1\n---\nb: 2\n---\n', 'm.yml')).toEqual([{ a: 1 }, { b: 2 }]);
  });
});

describe('XML reader', () => {
  it('parses attributes and forced arrays', () => {
    const doc = parseXmlText(
      '<?xml version="1.0"?><testsuite tests="1"><testcase name="a &amp; b"/></testsuite>',
      'j.xml',
      { arrays: ['testcase'] },
    );
    expect(doc).toEqual({ testsuite: { '@_tests': '1', testcase: [{ '@_name': 'a & b' }] } });
  });

  it('refuses a billion-laughs document at once', () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [',
      ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
      ']>',
      '<lolz>&lol9;</lolz>',
    ].join('\n');
    const started = performance.now();
    let caught: unknown;
    try {
      parseXmlText(lol, 'coverage.xml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FileError);
    expect((caught as Error).message).toBe(
      'coverage.xml:2:1: contains a DTD with declarations (<!DOCTYPE [...]>/<!ENTITY>); DTDs and entity declarations are refused',
    );
    // Not a timing gate: the refusal happens before any expansion, so this is far from a limit.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('accepts a bare external DOCTYPE without loading it, and decodes character references', () => {
    const doc = parseXmlText(
      '<?xml version="1.0"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="a&#10;b"/>',
      'jacoco.xml',
    );
    expect(doc).toEqual({ report: { '@_name': 'a\nb' } });
  });

  it('refuses an external entity (XXE)', () => {
    expect(() => parseXmlText('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', 'x.xml')).toThrow(
      /DTD/,
    );
  });

  it('names the line of truncated XML', () => {
    expect(() => parseXmlText('<coverage>\n  <packages>\n    <package name="a">\n', 'cov.xml')).toThrow(
      /^cov\.xml:\d+(:\d+)?: invalid XML/,
    );
    expect(() => parseXmlText('', 'e.xml')).toThrow('e.xml: is empty, expected XML');
  });
});
