import { normalizePythonName } from '../names.js';
import { parseRequirement } from './pep508.js';
import { isTable, list, str, stringList, type Table, table } from './structured.js';

/** What pyproject.toml says about the project: its name/version and its direct dependencies by group. */
export interface PythonManifest {
  name: string | undefined;
  version: string | undefined;
  /** Normalised names of runtime dependencies. */
  runtime: Set<string>;
  /** Normalised names of optional-dependency (extra) requirements. */
  optional: Set<string>;
  /** Normalised names of dev/group dependencies. */
  dev: Set<string>;
}

function requirementName(spec: string): string | undefined {
  const req = parseRequirement(spec);
  return typeof req === 'string' ? undefined : normalizePythonName(req.name);
}

function addNames(into: Set<string>, specs: unknown): void {
  for (const spec of stringList(specs)) {
    const name = requirementName(spec);
    if (name) into.add(name);
  }
}

function addPoetryTable(into: Set<string>, deps: unknown): void {
  for (const name of Object.keys(table(deps))) if (name.toLowerCase() !== 'python') into.add(normalizePythonName(name));
}

export function readPythonManifest(doc: Table): PythonManifest {
  const project = table(doc['project']);
  const poetry = table(table(doc['tool'])['poetry']);
  const manifest: PythonManifest = {
    name: str(project['name']) ?? str(poetry['name']),
    version: str(project['version']) ?? str(poetry['version']),
    runtime: new Set(),
    optional: new Set(),
    dev: new Set(),
  };
  addNames(manifest.runtime, project['dependencies']);
  for (const specs of Object.values(table(project['optional-dependencies']))) addNames(manifest.optional, specs);
  // PEP 735 groups; entries may be {include-group = "..."} tables, which name no package.
  for (const specs of Object.values(table(doc['dependency-groups'])))
    addNames(
      manifest.dev,
      list(specs).filter((s) => !isTable(s)),
    );
  addPoetryTable(manifest.runtime, poetry['dependencies']);
  addPoetryTable(manifest.dev, poetry['dev-dependencies']);
  for (const [group, body] of Object.entries(table(poetry['group']))) {
    addPoetryTable(group === 'main' ? manifest.runtime : manifest.dev, table(body)['dependencies']);
  }
  // Poetry: an optional dependency in tool.poetry.dependencies is an extra's.
  for (const [name, spec] of Object.entries(table(poetry['dependencies']))) {
    if (isTable(spec) && spec['optional'] === true) {
      manifest.runtime.delete(normalizePythonName(name));
      manifest.optional.add(normalizePythonName(name));
    }
  }
  return manifest;
}
