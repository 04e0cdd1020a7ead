import { parentPort } from 'node:worker_threads';
import { documentErrors } from '../schema.js';
import { warmUpDocument } from '../validator/warm-up.js';
import type { ValidationReply, ValidationRequest } from '../validator-client.js';

/**
 * The schema validator on a second thread (bundled to dist/workers/validate/). Importing
 * schema.ts compiles the 1.6 validator here, while the main thread reads the lockfiles and
 * builds the BOM; a request then only costs the parse and the validation itself.
 */
const port = parentPort;
if (port) {
  // Before the first request: compiles the validator functions every SBOM passes through.
  void documentErrors(warmUpDocument('1.6'), '1.6');
  port.on('message', (request: ValidationRequest) => {
    const reply = (body: Omit<ValidationReply, 'id'>): void => port.postMessage({ id: request.id, ...body });
    Promise.resolve()
      .then(() => documentErrors(JSON.parse(request.json), request.version))
      .then(
        (errors) => reply({ errors: errors === null ? null : JSON.parse(JSON.stringify(errors)) }),
        (error: unknown) => reply({ failure: error instanceof Error ? error.message : String(error) }),
      );
  });
}
