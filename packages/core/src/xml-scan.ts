import { FileError } from './errors.js';
import { positionOf } from './files.js';

/**
 * A streaming (SAX-style) XML reader for large coverage reports. The core's parseXmlText
 * builds a whole object tree (about 2 s for a 6 MB Cobertura file); this one hands each
 * element to a callback and keeps nothing, with the same safety rules: no internal DTD
 * subset and no entity declarations (so no expansion and no external entities); only the
 * five predefined entities and character references are decoded. A bare
 * `<!DOCTYPE name PUBLIC "…" "…">` (JaCoCo writes one) is skipped, as no DTD is ever loaded.
 * Well-formedness that matters here is checked: matched tags, one root, quoted attributes,
 * no truncated input.
 */

export interface XmlHandlers {
  /** An element starts; attrs holds decoded attribute values. depth is 0 for the root. */
  open(name: string, attrs: Record<string, string>, depth: number): void;
  /** An element ends (also called right after open for `<x/>`). */
  close?(name: string, depth: number): void;
  /** Decoded character data (text and CDATA) inside the current element; whitespace-only text is skipped. */
  text?(text: string, depth: number): void;
}

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*)?;?/g;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
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

export function scanXml(text: string, file: string, handlers: XmlHandlers): void {
  const stack: string[] = [];
  let rootSeen = false;
  let pos = 0;
  const failAt = (offset: number, problem: string): never => {
    throw new FileError(file, problem, positionOf(text, offset));
  };
  if (text.trim() === '') throw new FileError(file, 'is empty, expected XML');
  const end = text.length;
  while (pos < end) {
    const lt = text.indexOf('<', pos);
    const textEnd = lt === -1 ? end : lt;
    if (textEnd > pos) {
      // Most gaps are indentation: look for a non-space before allocating a string.
      let k = pos;
      while (k < textEnd && isSpace(text.charCodeAt(k))) k++;
      if (k < textEnd) {
        if (stack.length === 0) failAt(pos, 'text outside the root element');
        const at = pos;
        const decoded = decode(text.slice(pos, textEnd), (p) => failAt(at, p));
        handlers.text?.(decoded, stack.length - 1);
      }
    }
    if (lt === -1) break;
    const next = text.charCodeAt(lt + 1);
    if (next === 0x3f /* ? */) {
      const close = text.indexOf('?>', lt + 2);
      if (close === -1) failAt(lt, 'truncated XML: unterminated processing instruction');
      pos = close + 2;
      continue;
    }
    if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const close = text.indexOf('-->', lt + 4);
        if (close === -1) failAt(lt, 'truncated XML: unterminated comment');
        pos = close + 3;
        continue;
      }
      if (text.startsWith('<![CDATA[', lt)) {
        const close = text.indexOf(']]>', lt + 9);
        if (close === -1) failAt(lt, 'truncated XML: unterminated CDATA section');
        if (stack.length === 0) failAt(lt, 'CDATA outside the root element');
        handlers.text?.(text.slice(lt + 9, close), stack.length - 1);
        pos = close + 3;
        continue;
      }
      if (/^<!DOCTYPE\s/i.test(text.slice(lt, lt + 10))) {
        const close = text.indexOf('>', lt);
        const body = close === -1 ? '' : text.slice(lt, close);
        if (close === -1 || body.includes('[') || rootSeen) {
          failAt(lt, 'contains a DTD with declarations (<!DOCTYPE … [ … ]>); DTDs and entity declarations are refused');
        }
        pos = close + 1;
        continue;
      }
      failAt(lt, 'contains a markup declaration (<!ENTITY>, <!ELEMENT> …); DTDs and entity declarations are refused');
    }
    if (next === 0x2f /* / */) {
      const close = text.indexOf('>', lt + 2);
      if (close === -1) failAt(lt, 'truncated XML: unterminated end tag');
      const name = text.slice(lt + 2, close).trim();
      const open = stack.pop();
      if (open === undefined) failAt(lt, `end tag </${name}> without a start tag`);
      if (open !== name) failAt(lt, `end tag </${name}> does not match <${open}>`);
      handlers.close?.(name, stack.length);
      pos = close + 1;
      continue;
    }
    // A start tag.
    let nameEnd = lt + 1;
    while (nameEnd < end) {
      const c = text.charCodeAt(nameEnd);
      if (isSpace(c) || c === 0x2f /* / */ || c === 0x3e /* > */) break;
      nameEnd++;
    }
    if (nameEnd === lt + 1) failAt(lt, lt + 1 >= end ? 'truncated XML: ends inside a tag' : "invalid XML: '<' not followed by a tag name");
    const name = text.slice(lt + 1, nameEnd);
    if (stack.length === 0 && rootSeen) failAt(lt, `second root element <${name}>`);
    let cursor = lt + 1 + name.length;
    const attrs: Record<string, string> = {};
    // Attributes by hand (indexOf, no regex match arrays): this loop runs 400,000 times for a 200,000-line report.
    for (;;) {
      while (cursor < end && isSpace(text.charCodeAt(cursor))) cursor++;
      const c = text.charCodeAt(cursor);
      if (c === 0x3e /* > */ || c === 0x2f /* / */ || cursor >= end) break;
      const eq = text.indexOf('=', cursor);
      if (eq === -1) failAt(lt, `truncated XML: ends inside <${name}>`);
      const attrName = text.slice(cursor, eq).trimEnd();
      if (attrName === '' || /[\s<>/"']/.test(attrName)) failAt(cursor, `invalid XML: bad attribute in <${name}>`);
      let q = eq + 1;
      while (q < end && isSpace(text.charCodeAt(q))) q++;
      const quote = text.charCodeAt(q);
      if (quote !== 0x22 && quote !== 0x27) failAt(q, `invalid XML: value of ${attrName} in <${name}> is not quoted`);
      const close = text.indexOf(quote === 0x22 ? '"' : "'", q + 1);
      if (close === -1) failAt(lt, `truncated XML: ends inside <${name}>`);
      const raw = text.slice(q + 1, close);
      if (raw.includes('<')) failAt(q, `invalid XML: '<' in the value of ${attrName} in <${name}>`);
      attrs[attrName] = decode(raw, (p) => failAt(q, p));
      cursor = close + 1;
    }
    let selfClosing = false;
    if (text.startsWith('/>', cursor)) {
      selfClosing = true;
      cursor += 2;
    } else if (text[cursor] === '>') {
      cursor += 1;
    } else if (cursor >= end) {
      failAt(lt, `truncated XML: ends inside <${name}>`);
    } else {
      failAt(cursor, `invalid XML: unexpected '${text[cursor]}' in <${name}> (attribute values must be quoted)`);
    }
    rootSeen = true;
    handlers.open(name, attrs, stack.length);
    if (selfClosing) handlers.close?.(name, stack.length);
    else stack.push(name);
    pos = cursor;
  }
  if (stack.length > 0) failAt(end, `truncated XML: <${stack[stack.length - 1]}> is not closed`);
  if (!rootSeen) failAt(0, 'contains no XML element');
}
