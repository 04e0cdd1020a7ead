/**
 * An OpenFeature flagd flag that moves with the traffic (`@spikeformer-actions/delivery/flags`):
 * its configuration in the ConfigMap flagd watches, checked against flagd's own schema before
 * every write, and the exact text from before the first change kept for rollback.
 */
export {
  atWeight,
  checkedText,
  flagProblem,
  flagText,
  parseFlagDocument,
  restoredText,
  serving,
  type FlagDocument,
} from './document.js';
export { FlagMover } from './configmap.js';
export { readFlagInputs } from './inputs.js';
export { flagSchemaProblems } from './schema.js';
export { MAX_FLAG_DOCUMENT_BYTES, type FlagSnapshot, type FlagTarget } from './target.js';
