import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const actionsDir = path.join(repoRoot, 'actions');

export interface ActionInput {
  description?: string;
  required?: boolean;
  /** YAML can give a number or a boolean; check-actions refuses those. */
  default?: string | number | boolean;
}

export interface ActionMetadata {
  name?: string;
  description?: string;
  inputs?: Record<string, ActionInput>;
  outputs?: Record<string, { description?: string }>;
  runs?: { using?: string; main?: string; pre?: string; post?: string; 'post-if'?: string; 'pre-if'?: string };
}

/** GITHUB_TOKEN permissions an action needs: scope → access, when (an expression over inputs), events, why. */
export type PermissionRecord = Record<string, { access: string; when?: string; events?: string[]; why: string }>;

/** actions/<name>/permissions.yml, or undefined when the action has none. */
export function readPermissions(dir: string): PermissionRecord | undefined {
  const file = path.join(dir, 'permissions.yml');
  if (!existsSync(file)) return undefined;
  const doc = parse(readFileSync(file, 'utf8')) as { permissions?: PermissionRecord } | null;
  return doc?.permissions ?? {};
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
