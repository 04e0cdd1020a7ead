// Runs a bundled action locally, as the runner would, with inputs from a YAML file: the
// no-Docker way to try an action. Prints the outputs, annotations and job summary.
// Usage: node scripts/run-local.ts <action> <inputs.yml> [--workspace DIR] [--event event.json]
// Relative paths on the command line are relative to the directory the command was typed in;
// the workspace defaults to that directory.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ensureBundled, runBundledAction } from '../packages/testing/lib/index.js';
import { actionNames, actionsDir, callerDir, readActionMetadata } from './lib/actions.ts';

const USAGE = 'usage: node scripts/run-local.ts <action> <inputs.yml> [--workspace DIR] [--event event.json]';

class CliError extends Error {}

/** A path the user gave, resolved from `base`; one clear error when it is not there. */
function existing(given: string, what: string, base: string, kind: 'file' | 'directory'): string {
  const full = path.resolve(base, given);
  let isDir: boolean;
  try {
    isDir = statSync(full).isDirectory();
  } catch {
    throw new CliError(`${what} ${given} not found (${full})`);
  }
  if (kind === 'directory' && !isDir) throw new CliError(`${what} ${given} is not a directory (${full})`);
  if (kind === 'file' && isDir) throw new CliError(`${what} ${given} is a directory, not a file (${full})`);
  return full;
}

function readYaml(file: string, shown: string): unknown {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`${shown}: invalid YAML: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
}

interface Invocation {
  name: string;
  inputs: Record<string, string | number | boolean>;
  workspace: string;
  event?: Record<string, unknown>;
}

/** Reads and checks every argument before the action starts. */
export function parseInvocation(argv: readonly string[], base: string): Invocation {
  const args = [...argv];
  const option = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    if (at < 0) return undefined;
    const value = args[at + 1];
    if (value === undefined || value.startsWith('--')) throw new CliError(`${flag} needs a value`);
    args.splice(at, 2);
    return value;
  };
  const workspaceArg = option('--workspace');
  const eventArg = option('--event');
  const unknown = args.find((a) => a.startsWith('--'));
  if (unknown) throw new CliError(`unknown option ${unknown}; ${USAGE}`);
  const [name, inputsArg, extra] = args;
  if (!name || !inputsArg || extra !== undefined) throw new CliError(USAGE);
  const names = actionNames();
  if (!names.includes(name)) throw new CliError(`no action named ${name} (actions: ${names.join(', ')})`);

  const workspace = workspaceArg === undefined ? base : existing(workspaceArg, 'workspace', base, 'directory');
  const inputsFile = existing(inputsArg, 'inputs file', base, 'file');
  const given = readYaml(inputsFile, inputsArg) ?? {};
  if (typeof given !== 'object' || Array.isArray(given))
    throw new CliError(`${inputsArg}: expected a mapping of input names to values`);
  const declared = readActionMetadata(path.join(actionsDir, name)).inputs ?? {};
  const inputs: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(given)) {
    if (!(key in declared)) throw new CliError(`${inputsArg}: ${name} has no input '${key}'`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new CliError(
        `${inputsArg}: input '${key}' must be a string, number or boolean (use a block scalar for several lines)`,
      );
    }
    inputs[key] = value;
  }
  let event: Record<string, unknown> | undefined;
  if (eventArg !== undefined) {
    const eventFile = existing(eventArg, 'event file', base, 'file');
    try {
      event = JSON.parse(readFileSync(eventFile, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new CliError(`${eventArg}: invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { name, inputs, workspace, ...(event ? { event } : {}) };
}

if (import.meta.main) {
  let invocation: Invocation;
  try {
    invocation = parseInvocation(process.argv.slice(2), callerDir(process.env, process.cwd()));
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    console.error(`run-local: ${e.message}`);
    process.exit(2);
  }
  const { name, inputs, workspace, event } = invocation;
  ensureBundled(path.join(actionsDir, name));
  const result = await runBundledAction(path.join(actionsDir, name), {
    inputs,
    workspace,
    ...(event ? { event } : {}),
  });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  console.log(`\n── outputs ──`);
  for (const [k, v] of Object.entries(result.outputs)) console.log(`${k}=${v}`);
  console.log(`── summary (${result.summary.length} chars) ──\n${result.summary}`);
  console.log(`── ${name}: exit ${result.exitCode} ──`);
  process.exit(result.exitCode ?? 1);
}
