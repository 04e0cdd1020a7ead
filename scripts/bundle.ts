// Bundles actions with ncc: src/index.ts → dist/index.js, src/post.ts → dist/post/index.js.
// Usage: node scripts/bundle.ts [name…]   (no names: the action in the current folder, or all of them)
// The output depends only on the sources and the lockfile: no timestamps, no absolute paths,
// files written in a fixed order, so two bundles of one commit are byte-identical
// (scripts/check-reproducible.ts checks it).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { minify } from 'terser';
import { actionNames, actionsDir, repoRoot } from './lib/actions.ts';

const ncc = path.join(repoRoot, 'node_modules/.bin/ncc');

function run(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ncc, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ncc ${args.join(' ')} in ${cwd} failed:\n${log}`)),
    );
  });
}

/**
 * ncc minifies only each entry's index.js; the chunks of dynamic imports (`<id>.index.js`) stay
 * as written, and node parses them at run time. Same terser options as ncc uses for the entry.
 */
async function minifyChunks(dir: string): Promise<void> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) await minifyChunks(file);
    else if (/^\d+\.index\.js$/.test(entry.name)) {
      const result = await minify(readFileSync(file, 'utf8'), {
        module: true,
        compress: false,
        mangle: { keep_classnames: true, keep_fnames: true },
      });
      if (result.code === undefined) throw new Error(`terser produced no output for ${file}`);
      writeFileSync(file, result.code);
    }
  }
}

/**
 * Bundles actions/<name> into `out` (default actions/<name>/dist), replacing what is there. The
 * bundle is built beside it and renamed into place, so a reader never sees a half-written dist.
 */
export async function bundleAction(name: string, out = path.join(actionsDir, name, 'dist')): Promise<void> {
  const dir = path.join(actionsDir, name);
  const building = `${out}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  try {
    // --no-cache: every bundle is a full build from the sources, never a cache's copy.
    const common = ['--license', 'licenses.txt', '--minify', '--target', 'es2023', '--no-cache', '--quiet'];
    await run(['build', 'src/index.ts', '-o', building, ...common], dir);
    if (existsSync(path.join(dir, 'src/post.ts')))
      await run(['build', 'src/post.ts', '-o', path.join(building, 'post'), ...common], dir);
    await minifyChunks(building);
    // ncc writes dist/package.json for ESM output; make sure of it, the runner's node needs it.
    for (const sub of ['.', 'post']) {
      if (existsSync(path.join(building, sub, 'index.js')))
        writeFileSync(path.join(building, sub, 'package.json'), '{\n  "type": "module"\n}\n');
    }
    rmSync(out, { recursive: true, force: true });
    renameSync(building, out);
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
}

/** The named actions, two at a time (ncc is CPU-bound and the machines have two cores). */
export async function bundleActions(
  names: string[],
  outOf: (name: string) => string = (n) => path.join(actionsDir, n, 'dist'),
): Promise<string[]> {
  const queue = [...names];
  const failures: string[] = [];
  await Promise.all(
    [0, 1].map(async () => {
      for (let name = queue.shift(); name; name = queue.shift()) {
        const started = performance.now();
        try {
          await bundleAction(name, outOf(name));
          console.log(`bundled ${name} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        } catch (error) {
          failures.push(name);
          console.error(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  return failures.sort();
}

if (import.meta.main) {
  const requested = process.argv.slice(2);
  const cwdAction = path.dirname(process.cwd()) === actionsDir ? [path.basename(process.cwd())] : [];
  const names = requested.length > 0 ? requested : cwdAction.length > 0 ? cwdAction : actionNames();
  const unknown = names.filter((n) => !existsSync(path.join(actionsDir, n, 'action.yml')));
  if (unknown.length > 0) {
    console.error(`bundle: no action named ${unknown.join(', ')} (expected actions/<name>/action.yml)`);
    process.exit(2);
  }
  const failures = await bundleActions(names);
  if (failures.length > 0) {
    console.error(`bundle failed for: ${failures.join(', ')}`);
    process.exit(1);
  }
}
