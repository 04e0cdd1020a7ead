import { readFileSync } from 'node:fs';
import { fixturePath } from '@spikeformer-actions/testing';
import { describe, expect, it } from 'vitest';
import { scanXml } from '../src/xml/scan.js';

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
    expect(
      events(
        `<?xml version="1.0"?><!-- c --><a x='1 &lt; 2' y="&#x41;&#66;&amp;&quot;&apos;"><![CDATA[<raw>&amp;]]>t&#10;u<b/></a>`,
      ),
    ).toEqual([
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
    scanXml(readFileSync(fixturePath('reports/jacoco/report.xml'), 'utf8'), 'report.xml', {
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
        if (tag.name === 'line')
          numbers.push(
            tag.number('number'),
            tag.number('hits'),
            tag.number('x'),
            tag.number('empty'),
            tag.number('missing'),
            tag.number('cov'),
          );
      },
    });
    expect(viaTag).toEqual(viaOpen);
    expect(viaTag[3]).toBe('r2@1 {"x":"b"}'); // the last of two equal names wins, as in open's object
    expect(numbers).toEqual([
      12,
      0,
      undefined,
      undefined,
      undefined,
      Number.NaN,
      7,
      1000,
      42,
      undefined,
      undefined,
      undefined,
    ]);
    expect(names).toEqual(['r', 'line', 'line', 'r2']);
  });
});

describe('numeric runs', () => {
  /** Every event, with a <line>'s attribute values as numbers: the same strings whichever way a line arrives. */
  function lineEvents(
    xml: string,
    attributes: readonly string[],
    runs: boolean,
  ): { events: string[]; fromRuns: number } {
    const events: string[] = [];
    let fromRuns = 0;
    scanXml(xml, 't.xml', {
      ...(runs
        ? {
            numericRuns: {
              element: 'line',
              attributes,
              rows(values, count, depth) {
                fromRuns += count;
                for (let r = 0; r < count; r++)
                  events.push(
                    `line@${depth} ${Array.from(values.subarray(r * attributes.length, (r + 1) * attributes.length)).join(' ')}`,
                  );
              },
            },
          }
        : {}),
      openTag(tag, depth) {
        events.push(
          tag.name === 'line'
            ? `line@${depth} ${attributes.map((a) => Number(tag.attr(a))).join(' ')}`
            : `open ${tag.name}@${depth}`,
        );
      },
      close(name, depth) {
        if (name !== 'line') events.push(`close ${name}@${depth}`);
      },
      text(text, depth) {
        events.push(`text@${depth} ${JSON.stringify(text)}`);
      },
    });
    return { events, fromRuns };
  }

  it.each([
    ['reports/coverage/cobertura-pr.xml', ['number', 'hits'], 'most'],
    ['reports/coverage/cobertura-base.xml', ['number', 'hits'], 'most'],
    ['reports/jacoco/report.xml', ['nr', 'mi', 'ci', 'mb', 'cb'], 'most'],
    // Written by another tool: `<line cb="0" ci="0" mb="0" mi="3" nr="5" />`, every line through openTag.
    ['reports/jacoco/multi-module-mathCoverage.xml', ['nr', 'mi', 'ci', 'mb', 'cb'], 'none'],
  ])(
    'give %s the same lines, in the same order among the other events, as tag by tag',
    (fixture, attributes, share) => {
      const xml = readFileSync(fixturePath(fixture), 'utf8');
      const viaTags = lineEvents(xml, attributes, false);
      const viaRuns = lineEvents(xml, attributes, true);
      expect(viaRuns.events).toEqual(viaTags.events);
      expect(viaTags.fromRuns).toBe(0);
      const lines = viaTags.events.filter((e) => e.startsWith('line@')).length;
      expect(lines).toBeGreaterThan(0);
      if (share === 'most') expect(viaRuns.fromRuns).toBeGreaterThan(lines / 2);
      else expect(viaRuns.fromRuns).toBe(0);
    },
  );

  it('leave every other way of writing the element to openTag, with the same result', () => {
    const xml = [
      '<r><c>',
      '<line number="1" hits="2"/>\r\n\t<line number="007" hits="0"/>', // a run, CRLF and tab between
      '<line number="3"  hits="1"/>', // two spaces
      '<line number="4" hits="1" />', // space before />
      "<line number='5' hits='1'/>", // single quotes
      '<line number="6" hits="&#49;"/>', // a character reference
      '<line hits="1" number="7"/>', // other order
      '<line number="8" hits="1" branch="true"/>', // another attribute
      '<line number="9" hits="1"></line>', // not self-closing
      '<line number="1234567890123456" hits="1"/>', // 16 digits
      '<line number="10" hits="-1"/>', // not digits
      '<line number="11" hits="1"/><!-- between --><line number="12" hits="1"/>',
      '<line number="13" hits="1"/> text <line number="14" hits="1"/>',
      '<d><line number="15" hits="1"/></d>',
      '</c></r>',
    ].join('\n');
    const viaTags = lineEvents(xml, ['number', 'hits'], false);
    const viaRuns = lineEvents(xml, ['number', 'hits'], true);
    expect(viaRuns.events).toEqual(viaTags.events);
    expect(viaRuns.fromRuns).toBe(7); // 1 and 007, 11, 12, 13, 14, 15
    expect(viaRuns.events).toContain('line@2 7 0');
    expect(viaRuns.events).toContain('line@3 15 1');
  });

  it.each([
    ['<r><line number="1" hits="1"/><line number="2" hits="', /truncated XML: ends inside <line>/],
    ['<r><line number="1" hits="1"/><line number="2" hits="2"/>', /truncated XML: <r> is not closed/],
    ['<r><line number="1" hits="1"/></r><line number="2" hits="2"/>', /second root element <line>/],
    ['<r><line number="1" hits="1"/><line number="2" hits="2&x;"/></r>', /undefined entity &x;/],
  ])('report %j as tag by tag does', (xml, message) => {
    expect(() => lineEvents(xml, ['number', 'hits'], false)).toThrow(message);
    expect(() => lineEvents(xml, ['number', 'hits'], true)).toThrow(message);
  });

  it('refuse names that are not plain XML names', () => {
    expect(() => lineEvents('<r/>', ['a.b'], true)).toThrow("numericRuns: 'a.b' is not a plain XML name");
    expect(() => lineEvents('<r/>', [], true)).toThrow('numericRuns: at least one attribute is needed');
  });
});
