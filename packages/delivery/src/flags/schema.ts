import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import flagsSchema from './schema/flags.json' with { type: 'json' };
import targetingSchema from './schema/targeting.json' with { type: 'json' };

let validator: ValidateFunction | undefined;

/** flagd's own flag schema (vendored, see schema/SOURCES.md), compiled once per process. */
function compiled(): ValidateFunction {
  if (!validator) {
    // strict off: the vendored schema carries keywords ajv's strict mode warns about (its own $comment says so).
    const ajv = new Ajv({ strict: false, allErrors: false });
    ajv.addSchema(targetingSchema);
    validator = ajv.compile(flagsSchema);
  }
  return validator;
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '/';
  return `${where} ${error.message ?? 'is invalid'}`;
}

/** Problems of a flag document against flagd's flag schema; empty when it is valid. */
export function flagSchemaProblems(document: unknown): string[] {
  const validate = compiled();
  if (validate(document)) return [];
  // anyOf over the four flag types repeats one problem per type: each is said once.
  return [...new Set((validate.errors ?? []).map(describe))].slice(0, 3);
}
