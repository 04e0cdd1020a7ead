import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FileError } from './errors.js';
import { positionOf } from './files.js';

export interface XmlOptions {
  /** Element names that are always arrays, even with one child (e.g. testcase, line). */
  arrays?: readonly string[];
}

/**
 * An internal DTD subset or an entity declaration: refused, so no entity expansion (billion
 * laughs) or external entity (XXE) is possible. A bare `<!DOCTYPE name PUBLIC "…" "…">`, as
 * JaCoCo writes, declares nothing and is accepted (no DTD is ever loaded).
 */
export function findDtd(text: string): number {
  const declaration = /<!ENTITY|<!DOCTYPE[^>[]*\[/i.exec(text);
  return declaration ? declaration.index : -1;
}

/**
 * Parses a whole XML document into objects; attributes are kept under `@_`. quality-gate's
 * streaming reader handles large reports.
 */
export function parseXmlText(text: string, file: string, options: XmlOptions = {}): Record<string, unknown> {
  const dtd = findDtd(text);
  if (dtd >= 0) {
    throw new FileError(
      file,
      'contains a DTD with declarations (<!DOCTYPE [...]>/<!ENTITY>); DTDs and entity declarations are refused',
      positionOf(text, dtd),
    );
  }
  if (text.trim() === '') throw new FileError(file, 'is empty, expected XML');
  // Its successor, fast-xml-validator, is not a dependency yet.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (valid !== true) {
    throw new FileError(file, `invalid XML: ${valid.err.msg}`, { line: valid.err.line, column: valid.err.col });
  }
  const arrays = new Set(options.arrays ?? []);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: true,
    // Only the predefined entities and character references exist without a DTD.
    processEntities: true,
    // Its successor, entityDecoder, takes a decoder object: a change of entity handling, not a lint fix.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    htmlEntities: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name) => arrays.has(name),
  });
  return parser.parse(text) as Record<string, unknown>;
}
