import { parseAllDocuments, parseDocument, YAMLError } from 'yaml';
import { FileError } from './errors.js';
import { DEFAULT_MAX_FILE_BYTES, readTextFile } from './files.js';

// YAML apart from the other file readers: the yaml library is ~300 KB of CommonJS that a
// bundle loads and compiles at start-up, which actions that never read YAML should not pay.

function yamlProblem(file: string, error: YAMLError): FileError {
  const pos = error.linePos?.[0];
  const first = error.message.split('\n')[0] ?? error.message;
  return new FileError(file, `invalid YAML: ${first.replace(/ at line \d+, column \d+:?$/, '')}`, pos ? { line: pos.line, column: pos.col } : {});
}

/** One YAML (or JSON) document; errors name the file and line. */
export function parseYamlText(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) throw yamlProblem(file, first);
  return doc.toJS({ maxAliasCount: 100 }) as unknown;
}

/** Every document of a multi-document YAML stream (Kubernetes manifests). */
export function parseYamlDocuments(text: string, file: string): unknown[] {
  const docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: unknown[] = [];
  for (const doc of list) {
    const first = doc.errors[0];
    if (first) throw yamlProblem(file, first);
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export async function readYamlFile(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES, shownAs = file): Promise<unknown> {
  return parseYamlText(await readTextFile(file, maxBytes, shownAs), shownAs);
}
