import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FileError } from './errors.js';
import { positionOf } from './files.js';

export interface XmlOptions {
  /** Element names that are always arrays, even with one child (e.g. testcase, line). */
  arrays?: readonly string[];
}

/**
 * Parses XML with DTDs refused outright: no entity can be declared, so no expansion
 * (billion laughs) or external entity (XXE) is possible. Attributes are kept under `@_`.
 */
export function parseXmlText(text: string, file: string, options: XmlOptions = {}): Record<string, unknown> {
  const dtd = /<!DOCTYPE|<!ENTITY/i.exec(text);
  if (dtd) {
    throw new FileError(file, 'contains a DTD (<!DOCTYPE>/<!ENTITY>); DTDs and entity declarations are refused', positionOf(text, dtd.index));
  }
  if (text.trim() === '') throw new FileError(file, 'is empty, expected XML');
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
    processEntities: true,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name) => arrays.has(name),
  });
  return parser.parse(text) as Record<string, unknown>;
}
