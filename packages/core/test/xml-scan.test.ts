import { readFileSync } from 'node:fs';
import { sharedFixture } from '@spikeformer-actions/testing';
import { describe, expect, it } from 'vitest';
import { scanXml } from '../src/xml-scan.js';

function events(xml: string): string[] {
  const out: string[] = [];
  scanXml(xml, 't.xml', {
    open: (name, attrs, depth) => out.push(`open ${name}@${depth} ${JSON.stringify(attrs)}`),
    close: (name, depth) => out.push(`close ${name}@${depth}`),
    text: (text) => out.push(`text ${JSON.stringify(text)}`),
  });
  return out;
}

describe('the streaming XML scanner', () => {
  it('decodes the predefined entities and character references, in attributes and text', () => {
    expect(events(`<?xml version="1.0"?><!-- c --><a x='1 &lt; 2' y="&#x41;&#66;&amp;&quot;&apos;"><![CDATA[<raw>&amp;]]>t&#10;u<b/></a>`)).toEqual([
      `open a@0 {"x":"1 < 2","y":"AB&\\"'"}`,
      'text "<raw>&amp;"',
      'text "t\\nu"',
      'open b@1 {}',
      'close b@1',
      'close a@0',
    ]);
  });
  it("accepts JaCoCo's external-only DOCTYPE (no DTD is loaded)", () => {
    let root = '';
    scanXml(readFileSync(sharedFixture('reports/jacoco/report.xml'), 'utf8'), 'report.xml', {
      open: (name, _attrs, depth) => {
        if (depth === 0) root = name;
      },
    });
    expect(root).toBe('report');
  });
  it.each([
    ['<!DOCTYPE a [<!ENTITY x "y">]><a/>', /t\.xml:1:1: contains a DTD with declarations/],
    ['<a><!ENTITY x "y"></a>', /t\.xml:1:4: contains a markup declaration/],
    ['<a>&x;</a>', /undefined entity &x;/],
    ['<a>AT&T</a>', /bare '&'/],
    ['<a><b></a>', /t\.xml:1:7: end tag <\/a> does not match <b>/],
    ['<a></a><b/>', /second root element <b>/],
    ['<a x=1/>', /value of x in <a> is not quoted/],
    ['<a x="1"', /truncated XML: ends inside <a>/],
    ['<a x="1', /truncated XML: ends inside <a>/],
    ['<a><b>', /truncated XML: <b> is not closed/],
    ['<a><!-- never closed', /unterminated comment/],
    ['', /t\.xml: is empty/],
    ['<a/>junk', /text outside the root element/],
    ["<a x='1<2'/>", /t\.xml:1:6: invalid XML: '<' in the value of x in <a>/],
    ['<a x="&y;"/>', /t\.xml:1:6: undefined entity &y;/],
    ['<a b c="1"/>', /t\.xml:1:4: invalid XML: bad attribute in <a>/],
    ['<a></ b>', /end tag <\/b> does not match <a>/],
    ['</a>', /end tag <\/a> without a start tag/],
  ])('refuses %j', (xml, message) => {
    expect(() => events(xml)).toThrow(message);
    // The same checks hold when only openTag is given (attribute values are then never read).
    expect(() => scanXml(xml, 't.xml', { openTag: () => undefined })).toThrow(message);
  });
  it('gives openTag the same names and attribute values as open, read in place', () => {
    const xml = `<r a="1"><line number="12" hits="0" branch="true" cov="50% (1/2)"/><line number=' 7 ' hits="1e3" x="&#52;2" empty=""/><r2 x="a" x="b"></r2 ></r>`;
    const viaOpen: string[] = [];
    scanXml(xml, 't.xml', { open: (name, attrs, depth) => viaOpen.push(`${name}@${depth} ${JSON.stringify(attrs)}`) });
    const viaTag: string[] = [];
    const numbers: Array<number | undefined> = [];
    const names: string[] = [];
    scanXml(xml, 't.xml', {
      openTag: (tag, depth) => {
        names.push(tag.name);
        const attrs: Record<string, string> = {};
        for (const key of ['a', 'number', 'hits', 'branch', 'cov', 'x', 'empty']) {
          const value = tag.attr(key);
          if (value !== undefined) attrs[key] = value;
        }
        viaTag.push(`${tag.name}@${depth} ${JSON.stringify(attrs)}`);
        if (tag.name === 'line') numbers.push(tag.number('number'), tag.number('hits'), tag.number('x'), tag.number('empty'), tag.number('missing'), tag.number('cov'));
      },
    });
    expect(viaTag).toEqual(viaOpen);
    expect(viaTag[3]).toBe('r2@1 {"x":"b"}'); // the last of two equal names wins, as in open's object
    expect(numbers).toEqual([12, 0, undefined, undefined, undefined, Number.NaN, 7, 1000, 42, undefined, undefined, undefined]);
    expect(names).toEqual(['r', 'line', 'line', 'r2']);
  });
});
