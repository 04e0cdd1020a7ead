// Subpath imports: the library's index also loads its Validation module, which needs __dirname
// (absent in an ESM bundle).
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as SPDX from '@cyclonedx/cyclonedx-library/SPDX';
import type { MergedInventory, RootComponent } from './merge.js';
import type { HashAlg, LockedPackage } from './model.js';

export const TOOL_NAME = 'sbom';
export const TOOL_GROUP = 'spikeformer-actions';
export const TOOL_VERSION = '1.0.0';

export interface BomOptions {
  includeDev: boolean;
  /** Overrides for the BOM's subject (metadata.component). */
  componentName: string | undefined;
  componentVersion: string | undefined;
  /** Omitted (reproducible mode) or the run's time and a fresh urn:uuid. */
  timestamp: Date | undefined;
  serialNumber: string | undefined;
}

function license(value: string): Models.License {
  const id = SPDX.fixupSpdxId(value);
  if (id !== undefined) return new Models.SpdxLicense(id);
  if (/\s(?:AND|OR|WITH)\s|^\(/.test(value)) return new Models.LicenseExpression(value);
  return new Models.NamedLicense(value);
}

function addLicenses(component: Models.Component, values: readonly string[]): void {
  const expressions = values.filter((v) => /\s(?:AND|OR|WITH)\s|^\(/.test(v) && SPDX.fixupSpdxId(v) === undefined);
  // CycloneDX allows either one expression or a list of licenses: several become one OR-expression.
  if (expressions.length > 0) {
    const joined = values.length === 1 ? (values[0] ?? '') : values.map((v) => `(${v})`).join(' OR ');
    component.licenses.add(new Models.LicenseExpression(joined));
    return;
  }
  for (const v of values) component.licenses.add(license(v));
}

const CDX_HASH_ALGORITHM: Record<HashAlg, Enums.HashAlgorithm> = {
  MD5: Enums.HashAlgorithm.MD5,
  'SHA-1': Enums.HashAlgorithm['SHA-1'],
  'SHA-256': Enums.HashAlgorithm['SHA-256'],
  'SHA-384': Enums.HashAlgorithm['SHA-384'],
  'SHA-512': Enums.HashAlgorithm['SHA-512'],
};

function hashDictionary(hashes: LockedPackage['hashes']): Models.HashDictionary {
  const dict = new Models.HashDictionary();
  for (const h of hashes) {
    const alg = CDX_HASH_ALGORITHM[h.alg];
    if (!dict.has(alg)) dict.set(alg, h.content);
  }
  return dict;
}

function scopeOf(pkg: LockedPackage, includeDev: boolean): Enums.ComponentScope {
  if (pkg.dev && !includeDev) return Enums.ComponentScope.Excluded;
  if (pkg.optional) return Enums.ComponentScope.Optional;
  return Enums.ComponentScope.Required;
}

function splitNpmName(name: string): { group: string | undefined; name: string } {
  const slash = name.startsWith('@') ? name.indexOf('/') : -1;
  return slash > 0 ? { group: name.slice(0, slash), name: name.slice(slash + 1) } : { group: undefined, name };
}

function packageComponent(pkg: LockedPackage, includeDev: boolean): Models.Component {
  const { group, name } = pkg.ecosystem === 'npm' ? splitNpmName(pkg.name) : { group: undefined, name: pkg.name };
  const component = new Models.Component(Enums.ComponentType.Library, name, {
    bomRef: pkg.id,
    ...(group === undefined ? {} : { group }),
    ...(pkg.version === undefined ? {} : { version: pkg.version }),
    ...(pkg.purl === '' ? {} : { purl: pkg.purl }),
    ...(pkg.description === undefined ? {} : { description: pkg.description }),
    scope: scopeOf(pkg, includeDev),
    hashes: hashDictionary(pkg.hashes),
  });
  addLicenses(component, pkg.licenses);
  const src = pkg.source;
  if (src && src.url !== '') {
    if (src.kind === 'vcs')
      component.externalReferences.add(new Models.ExternalReference(src.url, Enums.ExternalReferenceType.VCS));
    else if (src.kind === 'url' && !pkg.artifacts.some((a) => a.url === src.url)) {
      component.externalReferences.add(new Models.ExternalReference(src.url, Enums.ExternalReferenceType.Distribution));
    }
  }
  for (const artifact of pkg.artifacts) {
    component.externalReferences.add(
      new Models.ExternalReference(artifact.url, Enums.ExternalReferenceType.Distribution, {
        hashes: hashDictionary(artifact.hashes),
        comment: artifact.comment,
      }),
    );
  }
  if (pkg.ecosystem === 'npm' && pkg.dev)
    component.properties.add(new Models.Property('cdx:npm:package:development', 'true'));
  if (pkg.dev) component.properties.add(new Models.Property('spikeformer:sbom:dev-dependency', 'true'));
  if (pkg.direct) component.properties.add(new Models.Property('spikeformer:sbom:direct', 'true'));
  if (src && src.kind !== 'registry')
    component.properties.add(
      new Models.Property('spikeformer:sbom:source', `${src.kind}${src.url === '' ? '' : ` ${src.url}`}`),
    );
  for (const [k, v] of pkg.properties) component.properties.add(new Models.Property(k, v));
  return component;
}

function rootComponent(root: RootComponent): Models.Component {
  const component = new Models.Component(Enums.ComponentType.Application, root.name, {
    bomRef: root.id,
    ...(root.version === undefined ? {} : { version: root.version }),
    ...(root.purl === undefined ? {} : { purl: root.purl }),
  });
  component.properties.add(new Models.Property('spikeformer:sbom:lockfile', root.file));
  component.properties.add(new Models.Property('spikeformer:sbom:lockfile-format', root.format));
  return component;
}

/**
 * The CycloneDX model of a merged inventory. One lockfile: its project is the BOM's subject.
 * Several: the subject is the repository (named by the inputs) and each lockfile's project a component.
 */
export function buildBom(inventory: MergedInventory, options: BomOptions): Models.Bom {
  const bom = new Models.Bom();
  if (options.serialNumber !== undefined) bom.serialNumber = options.serialNumber;
  if (options.timestamp !== undefined) bom.metadata.timestamp = options.timestamp;
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, TOOL_NAME, { group: TOOL_GROUP, version: TOOL_VERSION }),
  );

  const components = new Map<string, Models.Component>();
  for (const pkg of inventory.packages) {
    const component = packageComponent(pkg, options.includeDev);
    components.set(pkg.id, component);
    bom.components.add(component);
  }
  const roots = inventory.roots.map((r) => ({ root: r, component: rootComponent(r) }));
  for (const { root, component } of roots) components.set(root.id, component);
  const link = (from: Models.Component, ids: readonly string[]): void => {
    for (const id of ids) {
      const to = components.get(id);
      if (to && to !== from) from.dependencies.add(to.bomRef);
    }
  };
  for (const pkg of inventory.packages) {
    const from = components.get(pkg.id);
    if (from) link(from, pkg.dependsOn);
  }
  for (const { root, component } of roots) link(component, root.dependsOn);

  let subject: Models.Component;
  const only = roots.length === 1 ? roots[0] : undefined;
  if (only) {
    subject = only.component;
  } else {
    subject = new Models.Component(Enums.ComponentType.Application, options.componentName ?? 'project', {
      bomRef: 'project',
    });
    for (const { component } of roots) {
      bom.components.add(component);
      subject.dependencies.add(component.bomRef);
    }
  }
  // A renamed or re-versioned subject no longer is the package its lockfile's purl names.
  if (
    (options.componentName !== undefined && options.componentName !== subject.name) ||
    (options.componentVersion !== undefined && options.componentVersion !== subject.version)
  ) {
    subject.purl = undefined;
  }
  if (options.componentName !== undefined) subject.name = options.componentName;
  if (options.componentVersion !== undefined) subject.version = options.componentVersion;
  bom.metadata.component = subject;
  return bom;
}
