import type * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import { schemaErrors } from './schema.js';

/** Serialises a BOM and validates it against the CycloneDX schema before anyone writes it. */

export type SpecVersion = '1.6' | '1.5';
export type OutputFormat = 'json' | 'xml';

/** An SBOM that fails the schema: a defect of this action, never the user's input. */
export class InvalidBomError extends Error {
  constructor(readonly details: string) {
    super(`the generated SBOM does not validate against the CycloneDX schema (a bug in the sbom action, please report it): ${details}`);
    this.name = 'InvalidBomError';
  }
}

function spec(version: SpecVersion): typeof Spec.Spec1dot6 {
  return version === '1.6' ? Spec.Spec1dot6 : Spec.Spec1dot5;
}

export function serializeJson(bom: Models.Bom, version: SpecVersion): string {
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(spec(version)));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

export function serializeXml(bom: Models.Bom, version: SpecVersion): string {
  const serializer = new Serialize.XmlSerializer(new Serialize.XML.Normalize.Factory(spec(version)));
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

function describe(errors: unknown): string {
  const list = Array.isArray(errors) ? errors : [errors];
  return list
    .slice(0, 5)
    .map((e) => {
      if (typeof e === 'object' && e !== null && 'instancePath' in e && 'message' in e) return `${String(e.instancePath) || '/'} ${String(e.message)}`;
      return JSON.stringify(e);
    })
    .join('; ');
}

/** Strict JSON-schema validation (the library's schemas and ajv setup; see schema.ts). */
export async function validateJson(json: string, version: SpecVersion): Promise<void> {
  const errors = await schemaErrors(json, version);
  if (errors !== null) throw new InvalidBomError(describe(errors));
}

export interface SerializedBom {
  text: string;
  /** The JSON form that was schema-validated (the same model; for XML output it is what validation saw). */
  validatedJson: string;
}

/**
 * The text to write. JSON is validated as written. XML schema validation needs libxmljs2 (a native
 * addon the runner cannot load from a bundle), so the same model is validated in its JSON form, and the
 * XML is checked to be well-formed by the caller.
 */
export async function serializeValidated(bom: Models.Bom, version: SpecVersion, format: OutputFormat): Promise<SerializedBom> {
  const json = serializeJson(bom, version);
  await validateJson(json, version);
  return { text: format === 'json' ? json : serializeXml(bom, version), validatedJson: json };
}
