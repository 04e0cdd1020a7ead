import type { ErrorObject, ValidateFunction } from 'ajv';
import validateSpdx23 from '../generated/spdx-2.3.cjs';
import { parseExpression } from '../licenses/expression.js';
import type { SpdxDocument } from './document.js';

/** An SPDX document that fails its checks: a defect of this action, never the user's input. */
export class InvalidSpdxError extends Error {
  constructor(readonly details: string) {
    super(
      `the generated SPDX document does not validate against the SPDX 2.3 schema (a bug in the sbom action, please report it): ${details}`,
    );
    this.name = 'InvalidSpdxError';
  }
}

const SPDX_ID = /^SPDXRef-[A-Za-z0-9.-]+$/;

function licenseOk(value: string): boolean {
  return value === 'NOASSERTION' || value === 'NONE' || parseExpression(value) !== undefined;
}

/**
 * What the SPDX 2.3 specification requires beyond its JSON schema (which leaves identifiers,
 * namespaces, dates and license fields as plain strings): id syntax and uniqueness,
 * relationships between elements that exist, a creation time in UTC, license expressions.
 */
export function specProblems(doc: SpdxDocument): string[] {
  const problems: string[] = [];
  const ids = new Set<string>(['SPDXRef-DOCUMENT']);
  for (const p of doc.packages) {
    if (!SPDX_ID.test(p.SPDXID)) problems.push(`package ${p.name}: SPDXID '${p.SPDXID}' is not SPDXRef-[A-Za-z0-9.-]+`);
    if (ids.has(p.SPDXID)) problems.push(`SPDXID '${p.SPDXID}' is used twice`);
    ids.add(p.SPDXID);
    if (!licenseOk(p.licenseDeclared) || !licenseOk(p.licenseConcluded))
      problems.push(`package ${p.name}: a license field is not an SPDX expression`);
  }
  for (const r of doc.relationships) {
    if (!ids.has(r.spdxElementId) || !ids.has(r.relatedSpdxElement))
      problems.push(
        `relationship ${r.spdxElementId} ${r.relationshipType} ${r.relatedSpdxElement} names an element not in the document`,
      );
  }
  if (!doc.relationships.some((r) => r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES'))
    problems.push('nothing is DESCRIBED by the document');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(doc.creationInfo.created))
    problems.push(`created '${doc.creationInfo.created}' is not YYYY-MM-DDThh:mm:ssZ`);
  if (!/^[a-z][a-z0-9+.-]*:[^#\s]+$/i.test(doc.documentNamespace))
    problems.push(`documentNamespace '${doc.documentNamespace}' is not a URI without a fragment`);
  return problems;
}

/** The JSON-schema errors of a document (the vendored SPDX 2.3 schema, precompiled), or null. */
export function spdxSchemaErrors(doc: unknown): ErrorObject[] | null {
  const validate: ValidateFunction = validateSpdx23;
  return validate(doc) ? null : (validate.errors ?? []);
}

/** Throws InvalidSpdxError unless the document passes the schema and the specification's rules. */
export function assertValidSpdx(doc: SpdxDocument): void {
  const errors = spdxSchemaErrors(doc);
  if (errors !== null)
    throw new InvalidSpdxError(
      errors
        .slice(0, 5)
        .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
        .join('; '),
    );
  const problems = specProblems(doc);
  if (problems.length > 0) throw new InvalidSpdxError(problems.slice(0, 5).join('; '));
}
