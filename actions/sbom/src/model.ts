/** The lockfile-neutral model every reader produces and the BOM builder consumes. */

export type Ecosystem = 'pypi' | 'npm';

export type HashAlg = 'MD5' | 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export interface Hash {
  alg: HashAlg;
  /** Lower-case hex, as CycloneDX requires. */
  content: string;
}

/** One distribution file (wheel, sdist, tarball) with the hashes the lockfile pins for it. */
export interface Artifact {
  url: string;
  /** Where the hash came from, e.g. "file anyio-4.13.0.tar.gz". */
  comment: string;
  hashes: Hash[];
}

export type SourceKind = 'registry' | 'vcs' | 'url' | 'path' | 'editable' | 'workspace';

export interface LockedPackage {
  /** Unique within its lockfile; the purl for registry packages. Becomes the bom-ref. */
  id: string;
  ecosystem: Ecosystem;
  name: string;
  version: string | undefined;
  purl: string;
  description: string | undefined;
  /** Hashes of the package itself (npm integrity, or the single artifact a Python lock pins). */
  hashes: Hash[];
  /** Distribution files with their hashes (Python locks pin one per wheel/sdist). */
  artifacts: Artifact[];
  /** Only reachable from development dependencies. */
  dev: boolean;
  /** Optional (npm optionalDependencies, poetry/uv extras). */
  optional: boolean;
  /** A direct dependency of some root. */
  direct: boolean;
  /** SPDX ids or expressions, or free-text names, as the lockfile states them. */
  licenses: string[];
  /** ids of the packages this one depends on. */
  dependsOn: string[];
  source: { kind: SourceKind; url: string } | undefined;
  properties: Array<[string, string]>;
  /** 1-based line of the package's entry in the lockfile, where known. */
  line: number | undefined;
}

export type LockKind = 'requirements' | 'poetry' | 'uv' | 'pipenv' | 'npm' | 'pnpm' | 'yarn-classic' | 'yarn-berry';

export interface Unresolved {
  name: string;
  reason: string;
  line?: number;
}

export interface Conflict {
  purl: string;
  problem: string;
  files: string[];
}

/** What one lockfile holds, after the reader resolved it. */
export interface LockfileReport {
  /** Path as shown to the user (workspace-relative). */
  file: string;
  kind: LockKind;
  /** e.g. "lockfileVersion 3", "poetry lock 2.1". */
  format: string;
  ecosystem: Ecosystem;
  root: { name: string; version: string | undefined; dependsOn: string[] };
  packages: LockedPackage[];
  /** Whether the lockfile records which package depends on which. */
  hasGraph: boolean;
  unresolved: Unresolved[];
  conflicts: Conflict[];
  /** What was read and deliberately left out (`-e .`, the project itself), for the log. */
  notes?: Array<{ line: number; text: string }>;
}

export function newPackage(
  fields: Pick<LockedPackage, 'id' | 'ecosystem' | 'name' | 'version' | 'purl'> & Partial<LockedPackage>,
): LockedPackage {
  return {
    description: undefined,
    hashes: [],
    artifacts: [],
    dev: false,
    optional: false,
    direct: false,
    licenses: [],
    dependsOn: [],
    source: undefined,
    properties: [],
    line: undefined,
    ...fields,
  };
}
