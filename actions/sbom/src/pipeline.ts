import type * as Models from '@cyclonedx/cyclonedx-library/Models';
import { buildBom, type BomOptions } from './bom.js';
import { type MergedInventory, mergeReports } from './merge.js';
import { applyEnvironmentLicenses, type EnvironmentMatch } from './licenses/environment-match.js';
import type { InstalledDistribution } from './licenses/python-env.js';
import type { LockfileReport } from './model.js';
import { readLockfile } from './readers/index.js';
import { type OutputFormat, type SerializedBom, serializeValidated, type SpecVersion } from './serialize.js';

export interface GenerateOptions extends BomOptions {
  specVersion: SpecVersion;
  format: OutputFormat;
  /** An installed Python environment whose licenses go on the matching components. */
  distributions?: readonly InstalledDistribution[];
}

export interface Generated {
  reports: LockfileReport[];
  inventory: MergedInventory;
  bom: Models.Bom;
  serialized: SerializedBom;
  /** How the installed Python environment matched the components (when one was given). */
  environment: EnvironmentMatch | undefined;
}

/** Lockfiles (absolute paths) → validated SBOM text. `root` is what paths are shown relative to. */
export async function generate(
  files: readonly string[],
  root: string,
  options: GenerateOptions,
  onRead?: (report: LockfileReport) => void,
): Promise<Generated> {
  const reports: LockfileReport[] = [];
  for (const file of files) {
    const shown = file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
    const report = await readLockfile(file, shown, root);
    onRead?.(report);
    reports.push(report);
  }
  const inventory = mergeReports(reports);
  const environment =
    options.distributions === undefined
      ? undefined
      : applyEnvironmentLicenses(inventory.packages, options.distributions);
  const bom = buildBom(inventory, options);
  const serialized = await serializeValidated(bom, options.specVersion, options.format);
  return { reports, inventory, bom, serialized, environment };
}
