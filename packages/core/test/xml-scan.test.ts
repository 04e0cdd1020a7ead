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
  ])('refuses %j', (xml, message) => {
    expect(() => events(xml)).toThrow(message);
  });
});
