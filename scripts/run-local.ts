// Runs a bundled action locally, as the runner would, with inputs from a YAML file: the
// no-Docker way to try an action. Prints the outputs, annotations and job summary.
// Usage: node scripts/run-local.ts <action> <inputs.yml> [--workspace DIR] [--event event.json]
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ensureBundled, runBundledAction } from '../packages/testing/lib/index.js';
import { actionsDir } from './lib/actions.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const workspace = path.resolve(option('--workspace') ?? process.cwd());
const eventFile = option('--event');
const [name, inputsFile] = args;
if (!name || !inputsFile) {
  console.error('usage: node scripts/run-local.ts <action> <inputs.yml> [--workspace DIR] [--event event.json]');
  process.exit(2);
}
if (!existsSync(path.join(actionsDir, name, 'action.yml'))) {
  console.error(`run-local: no action named ${name}`);
  process.exit(2);
}
const given = (parse(readFileSync(inputsFile, 'utf8')) ?? {}) as Record<string, string | number | boolean>;
ensureBundled(path.join(actionsDir, name));
const result = await runBundledAction(path.join(actionsDir, name), {
  inputs: given,
  workspace,
  ...(eventFile ? { event: JSON.parse(readFileSync(eventFile, 'utf8')) as Record<string, unknown> } : {}),
});
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
console.log(`\n── outputs ──`);
for (const [k, v] of Object.entries(result.outputs)) console.log(`${k}=${v}`);
console.log(`── summary (${result.summary.length} chars) ──\n${result.summary}`);
console.log(`── ${name}: exit ${result.exitCode} ──`);
process.exit(result.exitCode ?? 1);
