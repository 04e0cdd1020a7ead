import { own } from './json-access.js';
/** Normalising vulnerability ids, CWEs, package names and ecosystems so that tools agree. */

const CVE = /^CVE-\d{4}-\d{4,}$/;
const GHSA = /^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/i;

// Ids that are already normal (upper-case, no spaces, not a GHSA) are the common case: left as they are.
const NORMAL_ID = /^(?!GHSA-)[A-Z0-9][A-Z0-9._:-]*$/;

export function normaliseVulnId(id: string): string {
  if (NORMAL_ID.test(id)) return id;
  const trimmed = id.trim();
  // GHSA ids are conventionally lower-case after the prefix; everything else upper-case.
  if (GHSA.test(trimmed)) return `GHSA${trimmed.slice(4).toLowerCase()}`;
  return trimmed.toUpperCase();
}

export function isCve(id: string): boolean {
  return CVE.test(id);
}

/** The GHSA id inside an advisory URL (npm audit's `url`), if any. */
export function ghsaFromUrl(url: string | undefined): string | undefined {
  const m = url === undefined ? null : /GHSA(-[23456789cfghjmpqrvwx]{4}){3}/i.exec(url);
  return m ? normaliseVulnId(m[0]) : undefined;
}

/** Unique normalised ids, empty ones dropped, first occurrence order kept. */
export function uniqueIds(ids: ReadonlyArray<string | undefined | null>): string[] {
  const out: string[] = [];
  for (const id of ids) {
    if (!id) continue;
    const n = normaliseVulnId(id);
    // Alias lists are short: a linear check beats a Set.
    if (n !== '' && !out.includes(n)) out.push(n);
  }
  return out;
}

/**
 * The canonical id of an alias set: the lowest CVE if any (numerically by year and number),
 * else the first GHSA, else the lexically first id. Independent of which tool listed what first.
 */
export function canonicalVulnId(ids: readonly string[]): string {
  if (ids.length === 1) return ids[0] ?? '';
  const cves = ids.filter(isCve).sort(compareCve);
  if (cves[0]) return cves[0];
  const ghsa = ids.filter((i) => i.startsWith('GHSA-')).sort();
  if (ghsa[0]) return ghsa[0];
  return [...ids].sort()[0] ?? '';
}

function compareCve(a: string, b: string): number {
  const [, ay = '0', an = '0'] = a.split('-');
  const [, by = '0', bn = '0'] = b.split('-');
  return Number(ay) - Number(by) || Number(an) - Number(bn);
}

/** `CWE-79`, `79`, `CWE-79: Improper …` and `external/cwe/cwe-079` all become `CWE-79`. */
export function normaliseCwe(value: unknown): string | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : undefined;
  if (text === undefined) return undefined;
  const m = /(?:cwe[-_/ ]*)?0*(\d+)/i.exec(text.trim());
  if (!m?.[1] || (!/^\d+$/.test(text.trim()) && !/cwe/i.test(text))) return undefined;
  return `CWE-${m[1]}`;
}

export function uniqueCwes(values: readonly unknown[]): string[] {
  return [...new Set(values.map(normaliseCwe).filter((c): c is string => c !== undefined))];
}

/** Package names as the registry compares them (PEP 503 for PyPI; lower-case for npm). */
const PEP503_NORMAL = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function normalisePackageName(ecosystem: string, name: string): string {
  if (ecosystem === 'pypi') return PEP503_NORMAL.test(name) ? name : name.toLowerCase().replace(/[-_.]+/g, '-');
  if (ecosystem === 'npm' || ecosystem === 'golang' || ecosystem === 'cargo') return name.toLowerCase();
  return name;
}

/** Scanner-specific package type words mapped to purl types. */
const ECOSYSTEMS: Record<string, string> = {
  pip: 'pypi',
  pipenv: 'pypi',
  poetry: 'pypi',
  uv: 'pypi',
  'python-pkg': 'pypi',
  python: 'pypi',
  pypi: 'pypi',
  conda: 'conda',
  npm: 'npm',
  yarn: 'npm',
  pnpm: 'npm',
  'node-pkg': 'npm',
  bun: 'npm',
  jar: 'maven',
  pom: 'maven',
  gradle: 'maven',
  'java-archive': 'maven',
  'jenkins-plugin': 'maven',
  maven: 'maven',
  sbt: 'maven',
  gobinary: 'golang',
  gomod: 'golang',
  'go-module': 'golang',
  golang: 'golang',
  cargo: 'cargo',
  'rust-binary': 'cargo',
  'rust-crate': 'cargo',
  composer: 'composer',
  'php-composer': 'composer',
  bundler: 'gem',
  gemspec: 'gem',
  gem: 'gem',
  nuget: 'nuget',
  dotnet: 'nuget',
  'dotnet-core': 'nuget',
  'packages-props': 'nuget',
  alpine: 'apk',
  apk: 'apk',
  wolfi: 'apk',
  chainguard: 'apk',
  debian: 'deb',
  ubuntu: 'deb',
  deb: 'deb',
  distroless: 'deb',
  redhat: 'rpm',
  centos: 'rpm',
  rocky: 'rpm',
  alma: 'rpm',
  fedora: 'rpm',
  amazon: 'rpm',
  'cbl-mariner': 'rpm',
  oracle: 'rpm',
  suse: 'rpm',
  opensuse: 'rpm',
  'opensuse.leap': 'rpm',
  photon: 'rpm',
  rpm: 'rpm',
};

export function normaliseEcosystem(type: string | undefined): string {
  if (!type) return 'unknown';
  const key = type.toLowerCase();
  return own(ECOSYSTEMS, key) ?? key;
}

/** OS package ecosystems: findings in them are container findings. */
export function isOsEcosystem(ecosystem: string): boolean {
  return ecosystem === 'apk' || ecosystem === 'deb' || ecosystem === 'rpm';
}

/** purl `pkg:type/namespace/name@version?…` → its parts (enough for name and ecosystem). */
export function parsePurl(
  purl: string | undefined,
): { type: string; namespace?: string; name: string; version?: string } | undefined {
  if (!purl?.startsWith('pkg:')) return undefined;
  const withoutQualifiers = purl.slice(4).split(/[?#]/)[0] ?? '';
  const at = withoutQualifiers.lastIndexOf('@');
  const pathPart = at === -1 ? withoutQualifiers : withoutQualifiers.slice(0, at);
  const version = at === -1 ? undefined : decodeURIComponent(withoutQualifiers.slice(at + 1));
  const segments = pathPart.split('/').map((s) => decodeURIComponent(s));
  const type = segments.shift()?.toLowerCase();
  const name = segments.pop();
  if (!type || !name) return undefined;
  const namespace = segments.length > 0 ? segments.join('/') : undefined;
  return {
    type,
    name,
    ...(namespace === undefined ? {} : { namespace }),
    ...(version === undefined ? {} : { version }),
  };
}

/** A package's display/compare name from a purl: Maven as group:artifact, npm scopes kept. */
export function nameFromPurl(purl: ReturnType<typeof parsePurl>): string | undefined {
  if (!purl) return undefined;
  if (purl.type === 'maven' && purl.namespace) return `${purl.namespace}:${purl.name}`;
  if (purl.type === 'npm' && purl.namespace) return `${purl.namespace}/${purl.name}`;
  if (purl.type === 'golang' && purl.namespace) return `${purl.namespace}/${purl.name}`;
  return purl.name;
}
