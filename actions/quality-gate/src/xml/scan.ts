import { FileError, positionOf } from '@spikeformer-actions/core';
import { NumericRunReader, type XmlNumericRuns } from './numeric-runs.js';

/**
 * A streaming (SAX-style) XML reader for large coverage reports. The core's parseXmlText
 * builds a whole object tree (about 2 s for a 6 MB Cobertura file); this one hands each
 * element to a callback and keeps nothing, with the same safety rules: no internal DTD
 * subset and no entity declarations (so no expansion and no external entities); only the
 * five predefined entities and character references are decoded. A bare
 * `<!DOCTYPE name PUBLIC "…" "…">` (JaCoCo writes one) is skipped, as no DTD is ever loaded.
 * Well-formedness that matters here is checked on every tag, whichever callback is used:
 * matched tags, one root, quoted attributes without '<', valid entity references, no
 * truncated input.
 */

/**
 * A start tag as `openTag` sees it: one object reused for every tag, valid only during the
 * call. Attribute values are made into strings only when asked for, which is what makes a
 * 200,000-line report cheap to read.
 */
export interface XmlTag {
  /** The element name (the same string object for every tag with this name). */
  readonly name: string;
  /** The decoded value of an attribute, or undefined when the tag has none of that name. */
  attr(name: string): string | undefined;
  /**
   * An attribute as a number: `Number(value)` (so NaN when it is not one), read without
   * making a string when it is plain decimal digits; undefined when absent or empty.
   */
  number(name: string): number | undefined;
}

export interface XmlHandlers {
  /** An element starts; attrs holds decoded attribute values. depth is 0 for the root. */
  open?(name: string, attrs: Record<string, string>, depth: number): void;
  /** An element starts, as a reused view (see XmlTag); the cheaper alternative to open for hot loops. */
  openTag?(tag: XmlTag, depth: number): void;
  /** An element ends (also called right after open for `<x/>`). */
  close?(name: string, depth: number): void;
  /** Decoded character data (text and CDATA) inside the current element; whitespace-only text is skipped. */
  text?(text: string, depth: number): void;
  /**
   * Runs of one element written exactly as `<element a="digits" b="digits"/>` (these
   * attributes in this order, one space before each, values of 1–15 decimal digits, only
   * white space between the elements) come here as numbers instead of through open, openTag
   * and close. The same element written any other way still comes through those, so a
   * caller handles it in both places. What matches is well-formed by its form.
   */
  numericRuns?: XmlNumericRuns;
}

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*)?;?/g;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** Distinct element names kept as shared strings (reports use a handful). */
const MAX_INTERNED_NAMES = 64;
/** Longest digit run read as an integer by hand (stays a safe integer). */
const MAX_FAST_DIGITS = 15;

/** Character classes of ASCII code units, one table load per character in the hot loops. */
const XML_SPACE = 1;
/** Ends an element name: XML white space, '/', '>'. */
const ENDS_TAG_NAME = 2;
/** Ends an attribute name: JavaScript white space (as trimEnd sees it), < > / " or '. */
const ENDS_ATTR_NAME = 4;
const ASCII_CLASS = new Uint8Array(128);
for (const c of [0x20, 0x0a, 0x09, 0x0d]) ASCII_CLASS[c] = XML_SPACE | ENDS_TAG_NAME | ENDS_ATTR_NAME;
for (const c of [0x0b, 0x0c]) ASCII_CLASS[c] = ENDS_ATTR_NAME;
for (const c of [0x2f, 0x3e]) ASCII_CLASS[c] = ENDS_TAG_NAME | ENDS_ATTR_NAME;
for (const c of [0x3c, 0x22, 0x27]) ASCII_CLASS[c] = ENDS_ATTR_NAME;

/** XML white space (between markup). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** JavaScript's white space (what `\s` and trimEnd see), for the attribute-name rule. */
function isJsSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function decode(value: string, fail: (problem: string) => never): string {
  if (!value.includes('&')) return value;
  return value.replace(ENTITY, (whole, ref: string | undefined) => {
    if (ref === undefined || !whole.endsWith(';')) fail(`bare '&' in text (write &amp;)`);
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code > 0x10ffff) fail(`invalid character reference &${ref};`);
      return String.fromCodePoint(code);
    }
    const known = PREDEFINED[ref];
    if (known === undefined) fail(`undefined entity &${ref}; (only the five predefined XML entities are accepted)`);
    return known;
  });
}

/**
 * The scanner's state lives in fields and its work is split into small methods, not one
 * big function with closures: V8 optimises small methods within the first few thousand
 * tags, while one big function ran unoptimised for much of a 6 MB report (3× slower).
 * It is also the XmlTag that openTag receives.
 */
class Scanner implements XmlTag {
  name = '';
  private readonly text: string;
  private readonly file: string;
  private readonly handlers: XmlHandlers;
  private readonly end: number;
  private readonly stack: string[] = [];
  private rootSeen = false;
  // The current start tag's attributes as offsets into text, four per attribute:
  // name start, name end, value start, value end (value without its quotes, not decoded).
  private spans = new Int32Array(64);
  private attrCount = 0;
  // The next '<' and '&' at or after some earlier offset (end when there is none): each is
  // searched for once per stretch of text instead of once per attribute value.
  private ltAfter = -1;
  private ampAfter = -1;
  private readonly names: string[] = [];
  private lastName = '';
  private readonly runs: NumericRunReader | undefined;

  constructor(text: string, file: string, handlers: XmlHandlers) {
    this.text = text;
    this.file = file;
    this.handlers = handlers;
    this.end = text.length;
    this.runs = handlers.numericRuns ? new NumericRunReader(handlers.numericRuns) : undefined;
  }

  private failAt(offset: number, problem: string): never {
    throw new FileError(this.file, problem, positionOf(this.text, offset));
  }

  run(): void {
    const text = this.text;
    const end = this.end;
    let pos = 0;
    while (pos < end) {
      // The '<' found while checking attribute values is usually this one.
      const lt = this.ltAfter >= pos ? (this.ltAfter === end ? -1 : this.ltAfter) : text.indexOf('<', pos);
      const textEnd = lt === -1 ? end : lt;
      if (textEnd > pos) this.characters(pos, textEnd);
      if (lt === -1) break;
      const next = text.charCodeAt(lt + 1);
      if (next === 0x2f /* / */) pos = this.endTag(lt);
      else if (next === 0x3f /* ? */ || next === 0x21 /* ! */) pos = this.markup(lt, next);
      else pos = this.numericRun(lt) ?? this.startTag(lt);
    }
    if (this.stack.length > 0) this.failAt(end, `truncated XML: <${this.stack[this.stack.length - 1]}> is not closed`);
    if (!this.rootSeen) this.failAt(0, 'contains no XML element');
  }

  /** Text between markup: most gaps are indentation, looked at before a string is made. */
  private characters(pos: number, textEnd: number): void {
    const text = this.text;
    let k = pos;
    while (k < textEnd && isSpace(text.charCodeAt(k))) k++;
    if (k === textEnd) return;
    if (this.stack.length === 0) this.failAt(pos, 'text outside the root element');
    const decoded = decode(text.slice(pos, textEnd), (p) => this.failAt(pos, p));
    this.handlers.text?.(decoded, this.stack.length - 1);
  }

  /** `<?…?>`, `<!--…-->`, `<![CDATA[…]]>`, `<!DOCTYPE …>`; anything else with `<!` is refused. */
  private markup(lt: number, next: number): number {
    const text = this.text;
    if (next === 0x3f /* ? */) {
      const close = text.indexOf('?>', lt + 2);
      if (close === -1) this.failAt(lt, 'truncated XML: unterminated processing instruction');
      return close + 2;
    }
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      if (close === -1) this.failAt(lt, 'truncated XML: unterminated comment');
      return close + 3;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const close = text.indexOf(']]>', lt + 9);
      if (close === -1) this.failAt(lt, 'truncated XML: unterminated CDATA section');
      if (this.stack.length === 0) this.failAt(lt, 'CDATA outside the root element');
      this.handlers.text?.(text.slice(lt + 9, close), this.stack.length - 1);
      return close + 3;
    }
    if (/^<!DOCTYPE\s/i.test(text.slice(lt, lt + 10))) {
      const close = text.indexOf('>', lt);
      const body = close === -1 ? '' : text.slice(lt, close);
      if (close === -1 || body.includes('[') || this.rootSeen) {
        this.failAt(
          lt,
          'contains a DTD with declarations (<!DOCTYPE … [ … ]>); DTDs and entity declarations are refused',
        );
      }
      return close + 1;
    }
    return this.failAt(
      lt,
      'contains a markup declaration (<!ENTITY>, <!ELEMENT> …); DTDs and entity declarations are refused',
    );
  }

  /** The end of a run of numericRuns elements at lt, read; undefined when there is none (nor inside the root). */
  private numericRun(lt: number): number | undefined {
    const runs = this.runs;
    if (runs === undefined || this.stack.length === 0 || !this.text.startsWith(runs.opening, lt)) return undefined;
    return runs.read(this.text, lt, this.stack.length);
  }

  private endTag(lt: number): number {
    const text = this.text;
    const close = text.indexOf('>', lt + 2);
    if (close === -1) this.failAt(lt, 'truncated XML: unterminated end tag');
    const open = this.stack.pop();
    // Usually `</name>` exactly: compare in place; otherwise trim like before and compare.
    if (open === undefined || lt + 2 + open.length !== close || !text.startsWith(open, lt + 2)) {
      const name = text.slice(lt + 2, close).trim();
      if (open === undefined) this.failAt(lt, `end tag </${name}> without a start tag`);
      if (open !== name) this.failAt(lt, `end tag </${name}> does not match <${open}>`);
    }
    this.handlers.close?.(open, this.stack.length);
    return close + 1;
  }

  private internName(start: number, stop: number): string {
    const length = stop - start;
    const text = this.text;
    // Runs of the same element (<line>, <testcase>) are the common case.
    if (this.lastName.length === length && text.startsWith(this.lastName, start)) return this.lastName;
    for (const known of this.names) {
      if (known.length === length && text.startsWith(known, start)) {
        this.lastName = known;
        return known;
      }
    }
    const name = text.slice(start, stop);
    if (this.names.length < MAX_INTERNED_NAMES) this.names.push(name);
    this.lastName = name;
    return name;
  }

  private startTag(lt: number): number {
    const text = this.text;
    const end = this.end;
    let nameEnd = lt + 1;
    while (nameEnd < end) {
      const c = text.charCodeAt(nameEnd);
      if (c < 0x80 && (ASCII_CLASS[c] as number) & ENDS_TAG_NAME) break;
      nameEnd++;
    }
    if (nameEnd === lt + 1)
      this.failAt(
        lt,
        lt + 1 >= end ? 'truncated XML: ends inside a tag' : "invalid XML: '<' not followed by a tag name",
      );
    const name = this.internName(lt + 1, nameEnd);
    if (this.stack.length === 0 && this.rootSeen) this.failAt(lt, `second root element <${name}>`);
    let cursor = nameEnd;
    this.attrCount = 0;
    // Attributes by hand (indexOf, no regex, no strings): this loop runs 400,000 times for a 200,000-line report.
    for (;;) {
      while (cursor < end && isSpace(text.charCodeAt(cursor))) cursor++;
      const c = text.charCodeAt(cursor);
      if (c === 0x3e /* > */ || c === 0x2f /* / */ || cursor >= end) break;
      cursor = this.attribute(lt, name, cursor);
    }
    let selfClosing = false;
    if (text.startsWith('/>', cursor)) {
      selfClosing = true;
      cursor += 2;
    } else if (text.charCodeAt(cursor) === 0x3e /* > */) {
      cursor += 1;
    } else if (cursor >= end) {
      this.failAt(lt, `truncated XML: ends inside <${name}>`);
    } else {
      this.failAt(cursor, `invalid XML: unexpected '${text[cursor]}' in <${name}> (attribute values must be quoted)`);
    }
    this.rootSeen = true;
    const depth = this.stack.length;
    const handlers = this.handlers;
    if (handlers.open) {
      const attrs: Record<string, string> = {};
      for (let i = 0; i < this.attrCount * 4; i += 4)
        attrs[text.slice(this.spans[i], this.spans[i + 1])] = this.valueAt(i);
      handlers.open(name, attrs, depth);
    }
    if (handlers.openTag) {
      this.name = name;
      handlers.openTag(this, depth);
    }
    if (selfClosing) handlers.close?.(name, depth);
    else this.stack.push(name);
    return cursor;
  }

  /** One `name="value"` at cursor, checked and recorded; returns the offset after it. */
  private attribute(lt: number, name: string, cursor: number): number {
    const text = this.text;
    const end = this.end;
    // The name runs to '=' (white space before it allowed) and holds no white space, < > / " or '.
    // Walked once: '=' right after the name (or after white space) is the usual case.
    let k = cursor;
    while (k < end) {
      const ch = text.charCodeAt(k);
      if (ch === 0x3d /* = */ || (ch < 0x80 ? ((ASCII_CLASS[ch] as number) & ENDS_ATTR_NAME) !== 0 : isJsSpace(ch)))
        break;
      k++;
    }
    const attrNameEnd = k;
    while (k < end && isJsSpace(text.charCodeAt(k))) k++;
    let eq = k;
    if (text.charCodeAt(k) !== 0x3d /* = */ || attrNameEnd === cursor) {
      // Not a plain name=: the first '=' decides between a truncated tag and a bad attribute.
      eq = text.indexOf('=', cursor);
      if (eq === -1) this.failAt(lt, `truncated XML: ends inside <${name}>`);
      this.failAt(cursor, `invalid XML: bad attribute in <${name}>`);
    }
    let q = eq + 1;
    while (q < end && isSpace(text.charCodeAt(q))) q++;
    const quote = text.charCodeAt(q);
    if (quote !== 0x22 && quote !== 0x27)
      this.failAt(q, `invalid XML: value of ${text.slice(cursor, attrNameEnd)} in <${name}> is not quoted`);
    const close = text.indexOf(quote === 0x22 ? '"' : "'", q + 1);
    if (close === -1) this.failAt(lt, `truncated XML: ends inside <${name}>`);
    if (this.ltAfter <= q) {
      const found = text.indexOf('<', q + 1);
      this.ltAfter = found === -1 ? end : found;
    }
    if (this.ltAfter < close)
      this.failAt(q, `invalid XML: '<' in the value of ${text.slice(cursor, attrNameEnd)} in <${name}>`);
    if (this.ampAfter <= q) {
      const found = text.indexOf('&', q + 1);
      this.ampAfter = found === -1 ? end : found;
    }
    // References are checked here, on every tag, whether or not a callback reads the value.
    if (this.ampAfter < close) decode(text.slice(q + 1, close), (p) => this.failAt(q, p));
    if (this.attrCount * 4 === this.spans.length) {
      const grown = new Int32Array(this.spans.length * 2);
      grown.set(this.spans);
      this.spans = grown;
    }
    const at = this.attrCount * 4;
    const spans = this.spans;
    spans[at] = cursor;
    spans[at + 1] = attrNameEnd;
    spans[at + 2] = q + 1;
    spans[at + 3] = close;
    this.attrCount++;
    return close + 1;
  }

  /** Index into spans of an attribute of the current tag; the last one wins, as in open's attrs. */
  private find(attrName: string): number {
    const spans = this.spans;
    for (let i = (this.attrCount - 1) * 4; i >= 0; i -= 4) {
      const start = spans[i] as number;
      if (
        (spans[i + 1] as number) - start === attrName.length &&
        this.text.charCodeAt(start) === attrName.charCodeAt(0) &&
        this.text.startsWith(attrName, start)
      )
        return i;
    }
    return -1;
  }

  private valueAt(i: number): string {
    const start = this.spans[i + 2] as number;
    // Entity references were checked while scanning: decode cannot fail here.
    return decode(this.text.slice(start, this.spans[i + 3]), (p) => this.failAt(start, p));
  }

  attr(attrName: string): string | undefined {
    const i = this.find(attrName);
    return i === -1 ? undefined : this.valueAt(i);
  }

  number(attrName: string): number | undefined {
    const i = this.find(attrName);
    if (i === -1) return undefined;
    const start = this.spans[i + 2] as number;
    const stop = this.spans[i + 3] as number;
    if (start === stop) return undefined;
    if (stop - start <= MAX_FAST_DIGITS) {
      const text = this.text;
      let value = 0;
      let k = start;
      for (; k < stop; k++) {
        const digit = text.charCodeAt(k) - 0x30;
        if (digit < 0 || digit > 9) break;
        value = value * 10 + digit;
      }
      if (k === stop) return value;
    }
    return Number(this.valueAt(i));
  }
}

export function scanXml(text: string, file: string, handlers: XmlHandlers): void {
  if (text.trim() === '') throw new FileError(file, 'is empty, expected XML');
  new Scanner(text, file, handlers).run();
}
