import type { ErrorObject, ValidateFunction } from 'ajv';
import validate16 from './generated/bom-1.6.cjs';

/**
 * CycloneDX JSON-schema validation with the precompiled validators of src/generated (see
 * validator/generate.ts for how they relate to @cyclonedx/cyclonedx-library's
 * JsonStrictValidator). The library's own class cannot run inside the bundle: it finds its
 * schema files through `__dirname`, which an ESM bundle does not have. The tests validate every
 * SBOM with both. Each validator is ~1 MB of code that node must parse at startup: the default
 * 1.6 one is imported statically, the 1.5 one only when asked for. (Only our generated code goes
 * into that chunk; third-party modules it shares stay in the main bundle and its licenses.txt.)
 */
export async function documentErrors(doc: unknown, version: '1.5' | '1.6'): Promise<ErrorObject[] | null> {
  const validate: ValidateFunction = version === '1.6' ? validate16 : (await import('./generated/bom-1.5.cjs')).default;
  return validate(doc) ? null : (validate.errors ?? []);
}
