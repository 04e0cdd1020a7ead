import { existsSync } from 'node:fs';
import { readJsonFile } from '../files.js';
import { isRecord } from '../guards.js';

/** GitHub caps webhook payloads at 25 MB; the runner's copy is the same payload. */
const MAX_EVENT_BYTES = 32 * 1024 * 1024;
const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i;
const NULL_COMMIT = /^0+$/;

export type EventPayload = Record<string, unknown>;

/** The workflow's event payload (GITHUB_EVENT_PATH); {} outside a runner or without the file. */
export async function readEvent(eventPath = process.env.GITHUB_EVENT_PATH ?? ''): Promise<EventPayload> {
  if (eventPath === '' || !existsSync(eventPath)) return {};
  const event = await readJsonFile(eventPath, MAX_EVENT_BYTES, 'the event payload');
  return isRecord(event) ? event : {};
}

function field(value: unknown, ...keys: string[]): unknown {
  let node = value;
  for (const key of keys) node = isRecord(node) ? node[key] : undefined;
  return node;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The pull request's number: `pull_request` events, and `issue_comment` on a pull request. */
export function pullRequestNumberOf(event: EventPayload): number | undefined {
  const pr = field(event, 'pull_request', 'number');
  if (typeof pr === 'number' && Number.isSafeInteger(pr) && pr > 0) return pr;
  const issue = field(event, 'issue', 'number');
  if (
    isRecord(field(event, 'issue', 'pull_request')) &&
    typeof issue === 'number' &&
    Number.isSafeInteger(issue) &&
    issue > 0
  )
    return issue;
  return undefined;
}

export async function pullRequestNumber(eventPath?: string): Promise<number | undefined> {
  return pullRequestNumberOf(await readEvent(eventPath));
}

export interface DiffBase {
  /** A commit (or, for a pull request payload without base.sha, its base branch). */
  base: string;
  /** Which part of the payload it came from. */
  from: 'pull_request' | 'merge_group' | 'push';
}

/**
 * What a change is measured against: a pull request's base commit (`pull_request.base.sha`),
 * a merge queue group's base (`merge_group.base_sha`: the target branch with the PRs ahead
 * in the queue), or a push's previous tip (`before`; none for a new branch, whose `before`
 * is all zeros).
 */
export function diffBaseOf(event: EventPayload): DiffBase | undefined {
  if (isRecord(event['pull_request'])) {
    const base = text(field(event, 'pull_request', 'base', 'sha')) ?? text(field(event, 'pull_request', 'base', 'ref'));
    return base === undefined ? undefined : { base, from: 'pull_request' };
  }
  if (isRecord(event['merge_group'])) {
    const base = text(field(event, 'merge_group', 'base_sha'));
    return base === undefined ? undefined : { base, from: 'merge_group' };
  }
  const before = text(event['before']);
  if (before !== undefined && COMMIT.test(before) && !NULL_COMMIT.test(before) && typeof event['after'] === 'string')
    return { base: before, from: 'push' };
  return undefined;
}

export async function diffBaseFromEvent(eventPath?: string): Promise<DiffBase | undefined> {
  return diffBaseOf(await readEvent(eventPath));
}

/** The commit under test as the event names it: the PR's head, the merge group's head, the push's tip; else GITHUB_SHA. */
export function headShaOf(event: EventPayload, fallback = process.env.GITHUB_SHA ?? ''): string {
  return (
    text(field(event, 'pull_request', 'head', 'sha')) ??
    text(field(event, 'merge_group', 'head_sha')) ??
    text(event['after']) ??
    fallback
  );
}
