import { writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A module to preload (`node --import`) that appends the real path of every file the process
 * opens or reads to the file named by FS_GUARD_LOG: how a hostile-input case proves that no file
 * outside the workspace was read. Written into `dir`; returns its path.
 */
export function writeFsGuard(dir: string): string {
  const file = path.join(dir, 'fs-guard.mjs');
  writeFileSync(file, FS_GUARD_SOURCE);
  return file;
}

const FS_GUARD_SOURCE = `import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';
const log = process.env.FS_GUARD_LOG;
const append = fs.appendFileSync;
const real = fs.realpathSync;
let busy = false;
function record(p) {
  if (busy) return;
  busy = true;
  try {
    const file = p instanceof URL ? fileURLToPath(p) : typeof p === 'string' ? p : Buffer.isBuffer(p) ? p.toString() : undefined;
    if (file !== undefined) {
      let shown = file;
      try { shown = real(file); } catch {}
      append(log, shown + '\\n');
    }
  } finally { busy = false; }
}
for (const [mod, names] of [[fs, ['openSync', 'open', 'readFileSync', 'readFile', 'createReadStream']], [fsp, ['open', 'readFile']]]) {
  for (const name of names) {
    const original = mod[name];
    mod[name] = function (p, ...rest) { record(p); return original.call(this, p, ...rest); };
  }
}
syncBuiltinESMExports();
`;
