import type * as Models from '@cyclonedx/cyclonedx-library/Models';
import { buildBom, type BomOptions } from './bom.js';
import { type MergedInventory, mergeReports } from './merge.js';
import type { LockfileReport } from './model.js';
import { readLockfile } from './readers/index.js';
import { type OutputFormat, type SerializedBom, serializeValidated, type SpecVersion } from './serialize.js';

export interface GenerateOptions extends BomOptions {
  specVersion: SpecVersion;
  format: OutputFormat;
}

export interface Generated {
  reports: LockfileReport[];
  inventory: MergedInventory;
  bom: Models.Bom;
  serialized: SerializedBom;
}

/** Lockfiles (absolute paths) → validated SBOM text. `root` is what paths are shown relative to. */
export async function generate(files: readonly string[], root: string, options: GenerateOptions, onRead?: (report: LockfileReport) => void): Promise<Generated> {
  const reports: LockfileReport[] = [];
  for (const file of files) {
    const shown = file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
    const report = await readLockfile(file, shown, root);
    onRead?.(report);
    reports.push(report);
  }
  const inventory = mergeReports(reports);
  const bom = buildBom(inventory, options);
  const serialized = await serializeValidated(bom, options.specVersion, options.format);
  return { reports, inventory, bom, serialized };
}
