/**
 * The parts of a PEP 508 requirement an SBOM needs: name, extras, an exact pin, a URL and
 * the environment marker. Anything that is not a single exact pin is "unpinned".
 */
export interface Requirement {
  name: string;
  extras: string[];
  /** Exact version from `==V` (no wildcard) or `===V`; undefined otherwise. */
  pinned: string | undefined;
  /** The whole version specifier as written (e.g. ">=1,<2"), '' when none. */
  specifier: string;
  url: string | undefined;
  marker: string | undefined;
}

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/;

/** Splits `req ; marker` at the first `;` that is outside the URL form's fragment. */
function splitMarker(text: string): [string, string | undefined] {
  // In the URL form a `;` must be preceded by whitespace to start the marker (PEP 508).
  const at = text.includes(' @ ') || text.includes('@ ') ? text.search(/\s;/) : text.indexOf(';');
  if (at < 0) return [text.trim(), undefined];
  const marker = text.slice(text.indexOf(';', at) + 1).trim();
  return [text.slice(0, at).trim(), marker === '' ? undefined : marker];
}

/** Parses one requirement; a string describing the problem when it is not PEP 508. */
export function parseRequirement(input: string): Requirement | string {
  const [body, marker] = splitMarker(input);
  const m = NAME.exec(body);
  if (!m?.[1]) return `'${body}' does not start with a project name`;
  const name = m[1];
  let rest = body.slice(name.length).trim();
  let extras: string[] = [];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return `unclosed '[' in the extras of ${name}`;
    extras = rest
      .slice(1, close)
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    rest = rest.slice(close + 1).trim();
  }
  if (rest.startsWith('@')) {
    const url = rest.slice(1).trim();
    if (url === '') return `missing URL after '@' for ${name}`;
    return { name, extras, pinned: undefined, specifier: '', url, marker };
  }
  if (rest.startsWith('(') && rest.endsWith(')')) rest = rest.slice(1, -1).trim();
  const specifier = rest.replace(/\s+/g, '');
  if (
    specifier !== '' &&
    !/^(?:(?:===|==|!=|~=|<=|>=|<|>)[A-Za-z0-9._*+!-]+)(?:,(?:===|==|!=|~=|<=|>=|<|>)[A-Za-z0-9._*+!-]+)*$/.test(
      specifier,
    )
  ) {
    return `invalid version specifier '${rest}' for ${name}`;
  }
  const clauses = specifier === '' ? [] : specifier.split(',');
  let pinned: string | undefined;
  if (clauses.length === 1 && clauses[0]) {
    const exact = /^(===|==)([^*]+)$/.exec(clauses[0]);
    if (exact?.[2]) pinned = exact[2];
  }
  return { name, extras, pinned, specifier, url: undefined, marker };
}

/** Name and version from a distribution file name (sdist `name-1.0.tar.gz` or wheel `name-1.0-py3-none-any.whl`). */
export function nameFromArchive(file: string): { name: string; version: string } | undefined {
  const base = decodeURIComponent(file.replace(/[?#].*$/, '').replace(/^.*\//, ''));
  const wheel = /^([^-]+)-([^-]+)(?:-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$/.exec(base);
  if (wheel?.[1] && wheel[2]) return { name: wheel[1], version: wheel[2] };
  const sdist = /^(.+)-(\d[^-]*)\.(?:tar\.gz|tar\.bz2|tar\.xz|tgz|zip)$/.exec(base);
  if (sdist?.[1] && sdist[2]) return { name: sdist[1], version: sdist[2] };
  return undefined;
}
