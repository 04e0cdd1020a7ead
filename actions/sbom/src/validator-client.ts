import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ErrorObject } from 'ajv';

export interface ValidationRequest {
  id: number;
  json: string;
  version: '1.5' | '1.6';
}

export interface ValidationReply {
  id: number;
  errors?: ErrorObject[] | null;
  failure?: string;
}

/** Schema validation of a serialised BOM; `close` releases what it holds. */
export interface SchemaValidator {
  /** The document and its JSON text are the same BOM; in-thread validation uses the first, a worker the second. */
  errors(document: unknown, json: string, version: '1.5' | '1.6'): Promise<ErrorObject[] | null>;
  close(): void;
}

/** Loads the validator on first use (a separate chunk of the bundle, which then needs no worker). */
export const inThreadValidator: SchemaValidator = {
  errors: async (document, _json, version) => (await import('./schema.js')).documentErrors(document, version),
  close: () => undefined,
};

/** Where the bundle keeps the worker: dist/workers/validate/index.js beside dist/index.js. */
function bundledWorker(): string | undefined {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'workers', 'validate', 'index.js');
  return existsSync(file) ? file : undefined;
}

/**
 * Starts the validator early on a worker thread when running from the bundle: loading the
 * ~600 KB generated validator then overlaps with reading lockfiles and building the BOM instead
 * of preceding them. From the TypeScript sources (unit tests) it validates in-thread.
 */
export function startValidator(workerFile: string | undefined = bundledWorker()): SchemaValidator {
  if (workerFile === undefined) return inThreadValidator;
  const worker = new Worker(workerFile);
  // Idle, the worker must not keep the process alive; while a request is pending it must.
  worker.unref();
  const pending = new Map<number, { resolve: (errors: ErrorObject[] | null) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const failAll = (error: Error): void => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    worker.unref();
  };
  worker.on('message', (reply: ValidationReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (reply.failure !== undefined) p.reject(new Error(`schema validation failed: ${reply.failure}`));
    else p.resolve(reply.errors ?? null);
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new Error(`the schema validation worker exited (code ${code})`)));
  return {
    errors(_document, json, version) {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, json, version } satisfies ValidationRequest);
      });
    },
    close() {
      void worker.terminate();
    },
  };
}
