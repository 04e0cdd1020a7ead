import { SLSA_PROVENANCE_V02, SLSA_PROVENANCE_V1 } from '../slsa.js';

/** What a SLSA provenance predicate says about where and how an artifact was built. */
export interface ProvenanceFacts {
  version: 'v1' | 'v0.2';
  buildType?: string;
  builderId?: string;
  /** https://github.com/owner/repo (normalised: no git+, no @ref, no .git). */
  sourceRepository?: string;
  sourceRef?: string;
  sourceDigest?: string;
  /** Workflow file path in the source repository. */
  workflowPath?: string;
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** `git+https://github.com/o/r@refs/tags/v1` → {repository: https://github.com/o/r, ref: refs/tags/v1}. */
export function splitSourceUri(uri: string): { repository: string; ref?: string } {
  let rest = uri.replace(/^git\+/, '');
  let ref: string | undefined;
  const at = rest.indexOf('@', rest.indexOf('://') + 3);
  if (at >= 0) {
    ref = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  return { repository: normaliseRepository(rest), ...(ref ? { ref } : {}) };
}

/** `owner/repo`, `https://github.com/owner/repo.git`, `git+https://…` → `https://github.com/owner/repo`. */
export function normaliseRepository(text: string): string {
  let t = text
    .trim()
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) t = `https://github.com/${t}`;
  try {
    const u = new URL(t);
    return `${u.protocol}//${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return t;
  }
}

/** Facts from a SLSA v1 or v0.2 predicate; undefined for any other predicate type. */
export function provenanceFacts(predicateType: string, predicate: unknown): ProvenanceFacts | undefined {
  const p = rec(predicate);
  if (!p) return undefined;
  if (predicateType === SLSA_PROVENANCE_V1) {
    const def = rec(p['buildDefinition']);
    const ext = rec(def?.['externalParameters']);
    const workflow = rec(ext?.['workflow']);
    const deps = Array.isArray(def?.['resolvedDependencies']) ? (def['resolvedDependencies'] as unknown[]) : [];
    const firstDep = rec(deps[0]);
    const depUri = str(firstDep?.['uri']);
    const dep = depUri ? splitSourceUri(depUri) : undefined;
    const workflowRepo = str(workflow?.['repository']);
    const digest = rec(firstDep?.['digest']);
    return {
      version: 'v1',
      buildType: str(def?.['buildType']),
      builderId: str(rec(rec(p['runDetails'])?.['builder'])?.['id']),
      sourceRepository: workflowRepo ? normaliseRepository(workflowRepo) : dep?.repository,
      sourceRef: str(workflow?.['ref']) ?? dep?.ref,
      sourceDigest: str(digest?.['gitCommit']) ?? str(digest?.['sha1']),
      workflowPath: str(workflow?.['path']),
    };
  }
  if (predicateType === SLSA_PROVENANCE_V02) {
    const config = rec(rec(p['invocation'])?.['configSource']);
    const uri = str(config?.['uri']);
    const source = uri ? splitSourceUri(uri) : undefined;
    const entry = str(config?.['entryPoint']);
    return {
      version: 'v0.2',
      buildType: str(p['buildType']),
      builderId: str(rec(p['builder'])?.['id']),
      sourceRepository: source?.repository,
      sourceRef: source?.ref,
      sourceDigest: str(rec(config?.['digest'])?.['sha1']),
      // npm's v0.2 entryPoint is `owner/repo/.github/workflows/x.yml@ref`; the generator's is the path.
      workflowPath: entry?.replace(/@.*$/, '').replace(/^[^/]+\/[^/]+\/(?=\.github\/)/, ''),
    };
  }
  return undefined;
}
