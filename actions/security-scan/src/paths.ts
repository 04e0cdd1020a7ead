import path from 'node:path';
import type { CodeLocation } from './model.js';

/**
 * Report paths → workspace-relative POSIX paths. Reports carry absolute paths of the
 * machine that ran the scanner (another runner's checkout, a container's /github/workspace),
 * `file://` URIs and Windows separators; a path that cannot be placed inside the workspace
 * is kept as reported and marked outside, so it is never read and never annotated.
 */

// Checkout roots of GitHub-hosted, container and self-hosted runners: /home/runner/work/<repo>/<repo>/, /__w/<repo>/<repo>/, /github/workspace/.
const CHECKOUT_ROOTS = [
  /^\/home\/runner\/work\/[^/]+\/[^/]+\//,
  /^\/__w\/[^/]+\/[^/]+\//,
  /^\/github\/workspace\//,
  /^[A-Za-z]:\/a\/[^/]+\/[^/]+\//,
];

/** A finding's code location; every field present (possibly undefined), so all locations share one shape. */
export function codeLocation(
  placed: PlacedPath,
  line: number | undefined,
  column: number | undefined,
  endLine: number | undefined,
  endColumn: number | undefined,
): CodeLocation {
  return { path: placed.path, inWorkspace: placed.inWorkspace, line, column, endLine, endColumn };
}

export interface PlacedPath {
  path: string;
  inWorkspace: boolean;
}

// A plain relative path (no scheme, separators to fix, dot segments or doubled slashes) needs no work.
const PLAIN_RELATIVE = /^(?![/.]|[A-Za-z]:)(?!.*(?:\/\.{1,2}(?:\/|$)|\/\/|\\))[^\s:]+$/;

/** Longer than any path a file system holds (PATH_MAX): kept as reported, outside. */
const MAX_PATH_CHARS = 4096;

export function placePath(reported: string, workspaceRoot: string): PlacedPath {
  if (reported.length > MAX_PATH_CHARS) return { path: reported, inWorkspace: false };
  if (PLAIN_RELATIVE.test(reported)) return { path: reported, inWorkspace: true };
  let p = reported.trim();
  if (/^file:/i.test(p)) {
    p = p.replace(/^file:\/\/(localhost)?/i, '').replace(/^file:/i, '');
    try {
      p = decodeURIComponent(p);
    } catch {
      // keep it undecoded; a bad escape is the report's problem, not a reason to fail
    }
    if (/^\/[A-Za-z]:\//.test(p)) p = p.slice(1);
  }
  p = p.replace(/\\/g, '/');
  const root = workspaceRoot.replace(/\\/g, '/').replace(/\/+$/, '');
  const isAbsolute = p.startsWith('/') || /^[A-Za-z]:\//.test(p);
  if (isAbsolute) {
    if (p === root) return { path: '.', inWorkspace: true };
    if (p.startsWith(`${root}/`)) return relative(p.slice(root.length + 1));
    for (const prefix of CHECKOUT_ROOTS) {
      const m = prefix.exec(p);
      if (m) return relative(p.slice(m[0].length));
    }
    return { path: p, inWorkspace: false };
  }
  return relative(p);
}

function relative(p: string): PlacedPath {
  const normal = path.posix.normalize(p).replace(/^(\.\/)+/, '');
  if (normal === '..' || normal.startsWith('../') || normal === '' || normal === '.')
    return { path: p, inWorkspace: false };
  return { path: normal, inWorkspace: true };
}
