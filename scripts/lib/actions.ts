import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const actionsDir = path.join(repoRoot, 'actions');

export interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}

export interface ActionMetadata {
  name?: string;
  description?: string;
  inputs?: Record<string, ActionInput>;
  outputs?: Record<string, { description?: string }>;
  runs?: { using?: string; main?: string; pre?: string; post?: string; 'post-if'?: string; 'pre-if'?: string };
}

/** The folder names under actions/ that hold an action.yml, sorted. */
export function actionNames(): string[] {
  if (!existsSync(actionsDir)) return [];
  return readdirSync(actionsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(actionsDir, d.name, 'action.yml')))
    .map((d) => d.name)
    .sort();
}

export function readActionMetadata(dir: string): ActionMetadata {
  return parse(readFileSync(path.join(dir, 'action.yml'), 'utf8')) as ActionMetadata;
}

/**
 * The directory the user typed the command in, for relative paths on a command line. pnpm
 * (and so `bash scripts/dev`) starts package scripts from the repository root and keeps that
 * directory in INIT_CWD; a script started any other way runs where it was started.
 */
export function callerDir(env: NodeJS.ProcessEnv, cwd: string): string {
  return env.npm_lifecycle_event !== undefined && env.INIT_CWD ? env.INIT_CWD : cwd;
}
