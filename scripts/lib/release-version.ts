// Versions and CHANGELOG sections of a release: pure functions, no I/O.

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

// SemVer 2.0.0 core version: no leading zeros, no pre-release or build part (a release is X.Y.Z).
const CORE = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;

/** X.Y.Z, or undefined for anything else ("v1.0.0", "1.0", "01.0.0", "1.0.0-rc.1"). */
export function parseVersion(text: string): Version | undefined {
  const m = CORE.exec(text);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

export function formatVersion(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** The highest `vX.Y.Z` among tag names with the given major, or undefined. Other tags are ignored. */
export function lastReleaseOfMajor(tags: Iterable<string>, major: number): Version | undefined {
  let last: Version | undefined;
  for (const tag of tags) {
    const v = tag.startsWith('v') ? parseVersion(tag.slice(1)) : undefined;
    if (v && v.major === major && (!last || compareVersions(v, last) > 0)) last = v;
  }
  return last;
}

export interface ChangelogSection {
  date: string;
  /** The section's body, without its heading, trimmed. */
  notes: string;
}

function isRealDate(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

/**
 * The Keep a Changelog section `## [X.Y.Z] - YYYY-MM-DD` of a version: its date and body, up to
 * the next `## ` heading or the link definitions at the end. Throws with what is wrong.
 */
export function changelogSection(changelog: string, version: string, shownAs = 'CHANGELOG.md'): ChangelogSection {
  const lines = changelog.split(/\r?\n/);
  const escaped = version.replace(/\./g, '\\.');
  const heading = new RegExp(`^## \\[${escaped}\\](?:\\s+-\\s+(.*))?\\s*$`);
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) throw new Error(`${shownAs} has no section "## [${version}] - YYYY-MM-DD"`);
  const date = heading.exec(lines[start] ?? '')?.[1]?.trim() ?? '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !isRealDate(date)) {
    throw new Error(
      `${shownAs}: the heading of ${version} needs a date "## [${version}] - YYYY-MM-DD" (line ${start + 1})`,
    );
  }
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^## /.test(line) || /^\[[^\]]+\]:\s/.test(line)) {
      end = i;
      break;
    }
  }
  const notes = lines
    .slice(start + 1, end)
    .join('\n')
    .trim();
  if (notes === '') throw new Error(`${shownAs}: the section of ${version} is empty (line ${start + 1})`);
  return { date, notes };
}
