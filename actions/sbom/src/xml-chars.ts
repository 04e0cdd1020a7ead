/**
 * XML 1.0 holds only tab, LF, CR and U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF; a lockfile
 * may hold anything. Every string of the BOM is made to fit before either form is serialised, so
 * the JSON that is validated and the XML that is written carry the same text. U+FFFD marks where
 * a character was, as a decoder does for bytes it cannot read.
 */
// The u flag makes a lone surrogate one code point that matches the class.
const NOT_XML = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

export function xmlSafeString(text: string): string {
  NOT_XML.lastIndex = 0;
  return NOT_XML.test(text) ? text.replace(NOT_XML, '\ufffd') : text;
}

/**
 * A serialiser's normalised tree (plain objects, arrays, strings, numbers, built afresh for each
 * serialisation, so changed in place) with `text` applied to every string, and shaped as its JSON
 * text is: a member whose value is undefined is deleted (the schema's additionalProperties would
 * count it), an undefined array item becomes null.
 */
function mapStrings<T>(value: T, text: (s: string) => string): T {
  if (typeof value === 'string') return text(value) as T;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++)
      value[i] = value[i] === undefined ? null : mapStrings(value[i] as unknown, text);
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = record[key];
      if (v === undefined) delete record[key];
      else if (typeof v === 'string') record[key] = text(v);
      else if (typeof v === 'object' && v !== null) mapStrings(v, text);
    }
  }
  return value;
}

/** The JSON form's tree: XML-safe strings, so both forms carry the same text. */
export function xmlSafeTree<T>(value: T): T {
  return mapStrings(value, xmlSafeString);
}

/**
 * The XML form's tree. xmlbuilder2 escapes `&` only where it does not already start an entity or
 * character reference, so `&#1;` or `&foo;` in a lockfile would be written as markup (not
 * well-formed) and `&lt;` would read back as `<`: every `&` is escaped here, and xmlbuilder2
 * leaves the resulting `&amp;` as it is.
 */
export function xmlTextTree<T>(value: T): T {
  return mapStrings(value, (s) => xmlSafeString(s).replace(/&/g, '&amp;'));
}
