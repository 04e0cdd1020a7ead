import { type Document, parseAllDocuments, parseDocument, type YAMLError } from 'yaml';
import { FileError } from './errors.js';
import { DEFAULT_MAX_FILE_BYTES, MAX_NESTING_DEPTH, readTextFile } from './files.js';

// YAML apart from the other file readers: the yaml library is ~300 KB of CommonJS that a
// bundle loads and compiles at start-up, which actions that never read YAML should not pay.

function yamlProblem(file: string, error: YAMLError): FileError {
  const pos = error.linePos?.[0];
  const first = error.message.split('\n')[0] ?? error.message;
  if (first.includes('Maximum call stack size exceeded'))
    return new FileError(file, `nests deeper than ${MAX_NESTING_DEPTH} levels`);
  return new FileError(
    file,
    `invalid YAML: ${first.replace(/ at line \d+, column \d+:?$/, '')}`,
    pos ? { line: pos.line, column: pos.col } : {},
  );
}

/** Deeper than MAX_NESTING_DEPTH, counted without recursion. */
function tooDeep(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  const seen = new Set<object>();
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, depth] = top;
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    if (depth > MAX_NESTING_DEPTH) return true;
    seen.add(node);
    for (const child of node instanceof Map ? node.values() : Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * A document's value. Aliases expand into at most 100 copies each (the billion-laughs bound);
 * a document beyond that, or nested past MAX_NESTING_DEPTH, is a FileError naming the file.
 */
function documentValue(doc: Document.Parsed, file: string): unknown {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    if (error instanceof ReferenceError)
      throw new FileError(file, `invalid YAML: ${error.message.replace(/\.$/, '')} (aliases expand past the limit)`);
    if (error instanceof RangeError) throw new FileError(file, `nests deeper than ${MAX_NESTING_DEPTH} levels`);
    throw error;
  }
  if (tooDeep(value)) throw new FileError(file, `nests deeper than ${MAX_NESTING_DEPTH} levels`);
  return value;
}

/** The parser recurses on nested flow collections: a stack overflow there is the depth limit. */
function parsed<T>(file: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof RangeError) throw new FileError(file, `nests deeper than ${MAX_NESTING_DEPTH} levels`);
    throw error;
  }
}

/** One YAML (or JSON) document; errors name the file and line. */
export function parseYamlText(text: string, file: string): unknown {
  const doc = parsed(file, () => parseDocument(text, { prettyErrors: true, uniqueKeys: true }));
  const first = doc.errors[0];
  if (first) throw yamlProblem(file, first);
  return documentValue(doc, file);
}

/** Every document of a multi-document YAML stream (Kubernetes manifests, pnpm 11+ lockfiles). */
export function parseYamlDocuments(text: string, file: string): unknown[] {
  const docs = parsed(file, () => parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true }));
  const list = Array.isArray(docs) ? docs : [docs];
  const out: unknown[] = [];
  for (const doc of list) {
    const first = doc.errors[0];
    if (first) throw yamlProblem(file, first);
    const value = documentValue(doc, file);
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export async function readYamlFile(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES, shownAs = file): Promise<unknown> {
  return parseYamlText(await readTextFile(file, maxBytes, shownAs), shownAs);
}
