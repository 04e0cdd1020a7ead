import type * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import { documentErrors } from './schema.js';
import { xmlSafeTree, xmlTextTree } from './xml-chars.js';

/** Serialises a BOM and validates it against the CycloneDX schema before anyone writes it. */

export type SpecVersion = '1.6' | '1.5';
export type OutputFormat = 'json' | 'xml';

/** An SBOM that fails the schema: a defect of this action, never the user's input. */
export class InvalidBomError extends Error {
  constructor(readonly details: string) {
    super(
      `the generated SBOM does not validate against the CycloneDX schema (a bug in the sbom action, please report it): ${details}`,
    );
    this.name = 'InvalidBomError';
  }
}

function spec(version: SpecVersion): typeof Spec.Spec1dot6 {
  return version === '1.6' ? Spec.Spec1dot6 : Spec.Spec1dot5;
}

/**
 * The library's JSON serializer, keeping the normalised document it stringifies: the schema is
 * checked on that object, which JSON.stringify turns into exactly the text written (xmlSafeTree
 * leaves out the undefined members that stringify drops and ajv would see), instead of parsing
 * the text back.
 */
class CapturingJsonSerializer extends Serialize.JsonSerializer {
  document: unknown;

  protected override _serialize(
    normalized: Parameters<Serialize.JsonSerializer['_serialize']>[0],
    options?: Serialize.Types.SerializerOptions,
  ): string {
    const safe = xmlSafeTree(normalized);
    this.document = safe;
    return super._serialize(safe, options);
  }
}

/** The library's XML serializer on the same XML-safe strings as the JSON form, every `&` escaped. */
class XmlSafeSerializer extends Serialize.XmlSerializer {
  protected override _serialize(
    normalized: Parameters<Serialize.XmlSerializer['_serialize']>[0],
    options?: Serialize.Types.SerializerOptions,
  ): string {
    return super._serialize(xmlTextTree(normalized), options);
  }
}

/**
 * Lists are written in the order the BOM was built: components sorted by purl (merge.ts), each
 * component's hashes and licenses in lockfile order. That is already deterministic, so the
 * library's re-sorting of every list (`sortLists`, a quarter of serialisation time) is skipped;
 * `reproducible` still gives identical bytes.
 */
function serializeJsonDocument(bom: Models.Bom, version: SpecVersion): { text: string; document: unknown } {
  const serializer = new CapturingJsonSerializer(new Serialize.JSON.Normalize.Factory(spec(version)));
  const text = `${serializer.serialize(bom, { sortLists: false, space: 2 })}\n`;
  return { text, document: serializer.document };
}

export function serializeXml(bom: Models.Bom, version: SpecVersion): string {
  const serializer = new XmlSafeSerializer(new Serialize.XML.Normalize.Factory(spec(version)));
  return `${serializer.serialize(bom, { sortLists: false, space: 2 })}\n`;
}

function describe(errors: unknown): string {
  const list: unknown[] = Array.isArray(errors) ? errors : [errors];
  return list
    .slice(0, 5)
    .map((e) => {
      if (typeof e === 'object' && e !== null && 'instancePath' in e && 'message' in e)
        return `${String(e.instancePath) || '/'} ${String(e.message)}`;
      return JSON.stringify(e);
    })
    .join('; ');
}

/** Strict JSON-schema validation (the library's schemas and ajv setup; see schema.ts). */
async function validateDocument(document: unknown, version: SpecVersion): Promise<void> {
  const errors = await documentErrors(document, version);
  if (errors !== null) throw new InvalidBomError(describe(errors));
}

export interface SerializedBom {
  text: string;
  /** The JSON form that was schema-validated (the same model; for XML output it is what validation saw). */
  validatedJson: string;
  /** Entries of the document's `components` and `dependsOn` links of its `dependencies`, as written. */
  counts: { components: number; dependencies: number };
}

/** What the document itself lists, so the outputs cannot drift from it. */
function countsOf(document: unknown): SerializedBom['counts'] {
  const doc =
    typeof document === 'object' && document !== null
      ? (document as { components?: unknown; dependencies?: unknown })
      : {};
  const components = Array.isArray(doc.components) ? doc.components.length : 0;
  let dependencies = 0;
  if (Array.isArray(doc.dependencies)) {
    for (const d of doc.dependencies as unknown[]) {
      const on = typeof d === 'object' && d !== null ? (d as { dependsOn?: unknown }).dependsOn : undefined;
      if (Array.isArray(on)) dependencies += on.length;
    }
  }
  return { components, dependencies };
}

/**
 * The text to write. JSON is validated as written. XML schema validation needs libxmljs2 (a native
 * addon the runner cannot load from a bundle), so the same model is validated in its JSON form, and the
 * XML is checked to be well-formed by the caller.
 */
export async function serializeValidated(
  bom: Models.Bom,
  version: SpecVersion,
  format: OutputFormat,
): Promise<SerializedBom> {
  const json = serializeJsonDocument(bom, version);
  await validateDocument(json.document, version);
  return {
    text: format === 'json' ? json.text : serializeXml(bom, version),
    validatedJson: json.text,
    counts: countsOf(json.document),
  };
}
