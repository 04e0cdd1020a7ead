// Bundles actions with ncc: src/index.ts → dist/index.js, src/post.ts → dist/post/index.js.
// Usage: node scripts/bundle.ts [name…]   (no names: the action in the current folder, or all of them)
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ncc ${args.join(' ')} in ${cwd} failed:\n${log}`))));
  });
}

/**
 * ncc minifies only each entry's index.js; the chunks of dynamic imports (`<id>.index.js`) stay
 * as written, and node parses them at run time. Same terser options as ncc uses for the entry.
 */
async function minifyChunks(dir: string): Promise<void> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) await minifyChunks(file);
    else if (/^\d+\.index\.js$/.test(entry.name)) {
      const result = await minify(readFileSync(file, 'utf8'), { module: true, compress: false, mangle: { keep_classnames: true, keep_fnames: true } });
      if (result.code === undefined) throw new Error(`terser produced no output for ${file}`);
      writeFileSync(file, result.code);
    }
  }
}

async function bundle(name: string): Promise<void> {
  const dir = path.join(actionsDir, name);
  const started = performance.now();
  rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
  const common = ['--license', 'licenses.txt', '--minify', '--target', 'es2023', '--quiet'];
  await run(['build', 'src/index.ts', '-o', 'dist', ...common], dir);
  if (existsSync(path.join(dir, 'src/post.ts'))) await run(['build', 'src/post.ts', '-o', 'dist/post', ...common], dir);
  await minifyChunks(path.join(dir, 'dist'));
  // ncc writes dist/package.json for ESM output; make sure of it, the runner's node needs it.
  for (const out of ['dist', 'dist/post']) {
    if (existsSync(path.join(dir, out, 'index.js'))) writeFileSync(path.join(dir, out, 'package.json'), '{\n  "type": "module"\n}\n');
  }
  console.log(`bundled ${name} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const requested = process.argv.slice(2);
const cwdAction = path.dirname(process.cwd()) === actionsDir ? [path.basename(process.cwd())] : [];
const names = requested.length > 0 ? requested : cwdAction.length > 0 ? cwdAction : actionNames();
const unknown = names.filter((n) => !existsSync(path.join(actionsDir, n, 'action.yml')));
if (unknown.length > 0) {
  console.error(`bundle: no action named ${unknown.join(', ')} (expected actions/<name>/action.yml)`);
  process.exit(2);
}
// Two at a time: ncc is CPU-bound and the machines have two cores.
const queue = [...names];
const failures: string[] = [];
await Promise.all(
  [0, 1].map(async () => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      try {
        await bundle(name);
      } catch (error) {
        failures.push(name);
        console.error(error instanceof Error ? error.message : String(error));
      }
    }
  }),
);
if (failures.length > 0) {
  console.error(`bundle failed for: ${failures.join(', ')}`);
  process.exit(1);
}
