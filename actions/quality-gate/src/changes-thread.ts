import { Worker } from 'node:worker_threads';
import { FileError, type SourceLocation, UserError } from '@spikeformer-actions/core';
import { type Changes, type ChangesRequest, readChanges } from './changes.js';
import type { FileChange } from './diff.js';

/**
 * The changed lines are found on the second core while this thread reads the coverage
 * reports. With diff-base that core runs git diff, started at once from here. A diff-file
 * is read, parsed and checked against every file it changes on a worker thread (as long
 * as reading a large Cobertura report); only plain data crosses: the added line numbers
 * per file, and errors as their fields, so that a FileError arrives as the same FileError.
 * (A worker would start git ~100 ms later than this thread can: it boots a Node first.)
 */

type PackedError =
  | { kind: 'file'; file: string; problem: string; line?: number; column?: number }
  | { kind: 'user'; message: string; location?: SourceLocation }
  | { kind: 'other'; message: string; stack?: string };

export type ChangesMessage =
  | { ok: true; files?: { path: string; added: number[] }[]; source?: string; noDiffReason?: string; note?: string }
  | { ok: false; error: PackedError };

export function packChanges(c: Changes): ChangesMessage {
  const { changes, ...rest } = c;
  // The hunks' text offsets served the apply check; only the added lines are used from here on.
  return { ok: true, ...rest, ...(changes ? { files: [...changes.values()].map((f) => ({ path: f.path, added: f.added })) } : {}) };
}

export function packError(error: unknown): ChangesMessage {
  if (error instanceof FileError) {
    const { file, line, column } = error.location ?? { file: '' };
    return { ok: false, error: { kind: 'file', file, problem: error.problem, ...(line === undefined ? {} : { line }), ...(column === undefined ? {} : { column }) } };
  }
  if (error instanceof UserError) return { ok: false, error: { kind: 'user', message: error.message, ...(error.location ? { location: error.location } : {}) } };
  const e = error instanceof Error ? error : new Error(String(error));
  return { ok: false, error: { kind: 'other', message: e.message, ...(e.stack === undefined ? {} : { stack: e.stack }) } };
}

export function unpack(message: ChangesMessage): Changes {
  if (!message.ok) {
    const e = message.error;
    if (e.kind === 'file') throw new FileError(e.file, e.problem, { ...(e.line === undefined ? {} : { line: e.line }), ...(e.column === undefined ? {} : { column: e.column }) });
    if (e.kind === 'user') throw new UserError(e.message, e.location ? { location: e.location } : {});
    const error = new Error(e.message);
    if (e.stack !== undefined) error.stack = e.stack;
    throw error;
  }
  const { ok: _ok, files, ...rest } = message;
  if (!files) return rest;
  const changes = new Map<string, FileChange>(files.map((f) => [f.path, { path: f.path, added: f.added, hunks: [] }]));
  return { ...rest, changes };
}

export interface PendingChanges {
  /** The changes, or the error that finding them raised. */
  wait(): Promise<Changes>;
}

/**
 * Starts finding the changes: git diff at once; a diff-file on a worker running workerFile
 * (the bundle's dist/worker/index.js) when given, else in this thread when waited for. The
 * worker does not keep the process alive until waited for: a run that fails before
 * needing the diff exits at once.
 */
export function startChanges(request: ChangesRequest, workerFile: string | undefined): PendingChanges {
  if (request.diffFile === '') {
    const started = readChanges(request);
    started.catch(() => undefined); // handled where waited for
    return { wait: () => started };
  }
  if (workerFile === undefined) return { wait: () => readChanges(request) };
  const worker = new Worker(workerFile, { workerData: request, stdout: false, stderr: false });
  worker.unref();
  const result = new Promise<Changes>((resolve, reject) => {
    let settled = false;
    worker.once('message', (message: ChangesMessage) => {
      settled = true;
      try {
        resolve(unpack(message));
      } catch (error) {
        reject(error);
      }
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the changed-lines worker stopped (exit code ${code}) without a result`));
    });
  });
  result.catch(() => undefined); // handled where waited for
  return {
    wait: () => {
      worker.ref();
      return result;
    },
  };
}
