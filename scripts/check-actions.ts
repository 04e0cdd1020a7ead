// Checks every action's metadata against its code: each declared input is read and each
// read input declared, likewise outputs; descriptions present; runs.using node24; entry points.
// Usage: node scripts/check-actions.ts   (exit 1 with one line per problem)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { actionNames, actionsDir, readActionMetadata } from './lib/actions.ts';

function sources(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

const READERS =
  /\b(?:getString|getRequired|getSecret|getBoolean|getInteger|getFloat|getPercentage|getDuration|getEnum|getList|getObject|getPath|getFiles|getInput|getBooleanInput|getMultilineInput)\(\s*['"]([^'"]+)['"]/g;
const SETTERS = /\bsetOutput\(\s*['"]([^'"]+)['"]/g;

/** The src/ folders of the workspace packages an action depends on (shared readers of its inputs). */
function workspaceSources(dir: string): string {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return Object.entries(pkg.dependencies ?? {})
    .filter(([dep, version]) => version.startsWith('workspace:') && dep.startsWith('@spikeformer-actions/'))
    .map(([dep]) => sources(path.join(actionsDir, '../packages', dep.slice('@spikeformer-actions/'.length), 'src')))
    .join('\n');
}

export function checkAction(name: string): string[] {
  const dir = path.join(actionsDir, name);
  const meta = readActionMetadata(dir);
  const code = sources(path.join(dir, 'src'));
  // An input may be read by a package the action shares with another (delivery for the deploy actions).
  const shared = workspaceSources(dir);
  const literals = new Set([...`${code}\n${shared}`.matchAll(/['"`]([a-z][a-z0-9-]*)['"`]/g)].map((m) => m[1]));
  const problems: string[] = [];
  const where = `actions/${name}/action.yml`;
  if (!meta.name) problems.push(`${where}: no name`);
  if (!meta.description) problems.push(`${where}: no description`);
  if (meta.runs?.using !== 'node24')
    problems.push(`${where}: runs.using is ${meta.runs?.using ?? 'missing'}, expected node24`);
  if (meta.runs?.main !== 'dist/index.js') problems.push(`${where}: runs.main must be dist/index.js (the bundle)`);
  const hasPost = existsSync(path.join(dir, 'src/post.ts'));
  if (hasPost && meta.runs?.post !== 'dist/post/index.js')
    problems.push(`${where}: src/post.ts exists but runs.post is not dist/post/index.js`);
  if (!hasPost && meta.runs?.post) problems.push(`${where}: runs.post is declared but there is no src/post.ts`);
  const declaredInputs = Object.keys(meta.inputs ?? {});
  const declaredOutputs = Object.keys(meta.outputs ?? {});
  for (const input of declaredInputs) {
    if (!meta.inputs?.[input]?.description) problems.push(`${where}: input '${input}' has no description`);
    if (!literals.has(input))
      problems.push(`${where}: input '${input}' is declared but never read in src/ or the packages it uses`);
    const d = meta.inputs?.[input]?.default;
    if (d !== undefined && typeof d !== 'string') problems.push(`${where}: input '${input}' default must be a string`);
  }
  for (const m of code.matchAll(READERS)) {
    if (!declaredInputs.includes(m[1] ?? ''))
      problems.push(`actions/${name}/src: reads input '${m[1]}' that action.yml does not declare`);
  }
  for (const output of declaredOutputs) {
    if (!meta.outputs?.[output]?.description) problems.push(`${where}: output '${output}' has no description`);
    if (!literals.has(output)) problems.push(`${where}: output '${output}' is declared but never set in src/`);
  }
  for (const m of code.matchAll(SETTERS)) {
    if (!declaredOutputs.includes(m[1] ?? ''))
      problems.push(`actions/${name}/src: sets output '${m[1]}' that action.yml does not declare`);
  }
  if (!existsSync(path.join(dir, 'README.md'))) problems.push(`actions/${name}: no README.md`);
  return [...new Set(problems)];
}

if (import.meta.main) {
  const problems = actionNames().flatMap(checkAction);
  for (const p of problems) console.error(p);
  console.log(
    problems.length === 0
      ? `check-actions: ${actionNames().length} actions OK`
      : `check-actions: ${problems.length} problem(s)`,
  );
  process.exit(problems.length === 0 ? 0 : 1);
}
