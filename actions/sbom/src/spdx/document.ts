import { createHash } from 'node:crypto';
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import { TOOL_GROUP, TOOL_NAME, TOOL_VERSION } from '../bom.js';
import { resolveLicense } from '../licenses/resolve.js';
import type { LockedPackage } from '../model.js';

/**
 * The SPDX 2.3 JSON form of a CycloneDX BOM: the same packages (the BOM's subject and its
 * components), the same dependency edges (DEPENDS_ON), the same hashes (as checksums) and the
 * licenses found. Built from the BOM itself, so the two documents cannot disagree.
 */

export interface SpdxChecksum {
  algorithm: string;
  checksumValue: string;
}

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: string;
  filesAnalyzed: false;
  primaryPackagePurpose: 'APPLICATION' | 'LIBRARY';
  checksums?: SpdxChecksum[];
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: 'NOASSERTION';
  description?: string;
  externalRefs?: Array<{ referenceCategory: 'PACKAGE-MANAGER'; referenceType: 'purl'; referenceLocator: string }>;
}

export interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: 'DESCRIBES' | 'DEPENDS_ON';
  relatedSpdxElement: string;
}

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: SpdxPackage[];
  relationships: SpdxRelationship[];
}

export interface SpdxOptions {
  /** Undefined (reproducible): the epoch, so that the same lockfiles give the same bytes. */
  created: Date | undefined;
  /** A fresh UUID; undefined (reproducible): one derived from the document's content. */
  uuid: string | undefined;
  /** bom-ref → the registry tarball a package was resolved from (CycloneDX keeps it only in the purl). */
  downloads?: ReadonlyMap<string, string>;
}

/** The registry tarball URLs the lockfiles record, by package id (the bom-ref). */
export function registryDownloads(packages: readonly LockedPackage[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of packages)
    if (p.source?.kind === 'registry' && /^https?:\/\//.test(p.source.url)) out.set(p.id, p.source.url);
  return out;
}

const CHECKSUM: Partial<Record<Enums.HashAlgorithm, string>> = {
  [Enums.HashAlgorithm.MD5]: 'MD5',
  [Enums.HashAlgorithm['SHA-1']]: 'SHA1',
  [Enums.HashAlgorithm['SHA-256']]: 'SHA256',
  [Enums.HashAlgorithm['SHA-384']]: 'SHA384',
  [Enums.HashAlgorithm['SHA-512']]: 'SHA512',
  [Enums.HashAlgorithm['SHA3-256']]: 'SHA3-256',
  [Enums.HashAlgorithm['SHA3-384']]: 'SHA3-384',
  [Enums.HashAlgorithm['SHA3-512']]: 'SHA3-512',
  [Enums.HashAlgorithm['BLAKE2b-256']]: 'BLAKE2b-256',
  [Enums.HashAlgorithm['BLAKE2b-384']]: 'BLAKE2b-384',
  [Enums.HashAlgorithm['BLAKE2b-512']]: 'BLAKE2b-512',
  [Enums.HashAlgorithm.BLAKE3]: 'BLAKE3',
};

/** SPDXRef-<readable part>-<hash of the bom-ref>: SPDX ids allow only letters, digits, '.' and '-'. */
export function spdxIdFor(ref: string, label: string): string {
  const readable =
    label
      .replace(/[^A-Za-z0-9.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'package';
  return `SPDXRef-Package-${readable}-${createHash('sha256').update(ref).digest('hex').slice(0, 12)}`;
}

function licenseStrings(component: Models.Component): string[] {
  const out: string[] = [];
  for (const l of component.licenses) {
    if (l instanceof Models.LicenseExpression) out.push(l.expression);
    else if (l instanceof Models.SpdxLicense) out.push(l.id);
    else if (l instanceof Models.NamedLicense) out.push(l.name);
  }
  return out;
}

/** Where the package can be fetched: its one distribution URL or VCS URL, else NOASSERTION. */
function downloadLocation(component: Models.Component, registry: string | undefined): string {
  if (registry !== undefined) return registry;
  const refs = [...component.externalReferences];
  const dist = refs.filter((r) => r.type === Enums.ExternalReferenceType.Distribution);
  const first = dist.length === 1 ? dist[0] : undefined;
  if (first) return String(first.url);
  const vcs = refs.find((r) => r.type === Enums.ExternalReferenceType.VCS);
  if (vcs) {
    const url = String(vcs.url);
    // SPDX writes a VCS location with its tool: git+https://….
    return /^git\+/.test(url) ? url : /^(https?|ssh):\/\//.test(url) ? `git+${url}` : 'NOASSERTION';
  }
  return 'NOASSERTION';
}

function spdxPackage(component: Models.Component, id: string, registry: string | undefined): SpdxPackage {
  const license = resolveLicense(licenseStrings(component)).expression ?? 'NOASSERTION';
  const checksums: SpdxChecksum[] = [];
  for (const [alg, value] of component.hashes) {
    const algorithm = CHECKSUM[alg];
    if (algorithm !== undefined) checksums.push({ algorithm, checksumValue: value });
  }
  const name = component.group === undefined ? component.name : `${component.group}/${component.name}`;
  return {
    SPDXID: id,
    name,
    ...(component.version === undefined || component.version === '' ? {} : { versionInfo: component.version }),
    downloadLocation: downloadLocation(component, registry),
    filesAnalyzed: false,
    primaryPackagePurpose: component.type === Enums.ComponentType.Application ? 'APPLICATION' : 'LIBRARY',
    ...(checksums.length === 0 ? {} : { checksums }),
    // Concluding a license is a reviewer's statement; what the package metadata says is declared.
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: license,
    copyrightText: 'NOASSERTION',
    ...(component.description === undefined ? {} : { description: component.description }),
    ...(component.purl === undefined
      ? {}
      : {
          externalRefs: [
            { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: component.purl },
          ],
        }),
  };
}

function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  // Shaped as a version-5-style UUID (name-based); only uniqueness per content matters here.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function buildSpdx(bom: Models.Bom, options: SpdxOptions): SpdxDocument {
  const subject = bom.metadata.component;
  if (subject === undefined) throw new Error('the BOM has no subject (metadata.component)');
  const components = [subject, ...bom.components];
  const ids = new Map<Models.BomRef, string>();
  const packages: SpdxPackage[] = [];
  for (const c of components) {
    const ref = c.bomRef.value ?? `${c.group ?? ''}/${c.name}@${c.version ?? ''}`;
    const id = spdxIdFor(
      ref,
      `${c.group === undefined ? '' : `${c.group}-`}${c.name}${c.version === undefined ? '' : `-${c.version}`}`,
    );
    ids.set(c.bomRef, id);
    packages.push(
      spdxPackage(c, id, c.bomRef.value === undefined ? undefined : options.downloads?.get(c.bomRef.value)),
    );
  }
  const subjectId = ids.get(subject.bomRef) ?? '';
  const relationships: SpdxRelationship[] = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: subjectId },
  ];
  for (const c of components) {
    const from = ids.get(c.bomRef);
    if (from === undefined) continue;
    for (const ref of c.dependencies) {
      const to = ids.get(ref);
      if (to !== undefined && to !== from)
        relationships.push({ spdxElementId: from, relationshipType: 'DEPENDS_ON', relatedSpdxElement: to });
    }
  }
  const name = subject.version === undefined ? subject.name : `${subject.name}-${subject.version}`;
  const uuid = options.uuid ?? uuidFrom(JSON.stringify([packages, relationships]));
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://spdx.org/spdxdocs/${encodeURIComponent(name.replace(/[^A-Za-z0-9._-]+/g, '-'))}-${uuid}`,
    creationInfo: {
      created: (options.created ?? new Date(0)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      creators: [`Tool: ${TOOL_GROUP}-${TOOL_NAME}-${TOOL_VERSION}`],
    },
    packages,
    relationships,
  };
}
