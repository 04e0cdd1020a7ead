// Regenerates the precompiled CycloneDX and SPDX validators in src/generated (run after upgrading
// @cyclonedx/cyclonedx-library or ajv, or replacing schemas/spdx-2.3.schema.json): node scripts/gen-validators.ts
// Node runs it directly (type stripping): the generator is TypeScript importing the schema JSON and .cjs helpers.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { spdxValidatorSource, validatorSource } from '../src/validator/generate.ts';

for (const version of ['1.5', '1.6'] as const) {
  const file = path.join(import.meta.dirname, `../src/generated/bom-${version}.cjs`);
  writeFileSync(file, validatorSource(version));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

const spdxFile = path.join(import.meta.dirname, '../src/generated/spdx-2.3.cjs');
writeFileSync(spdxFile, spdxValidatorSource());
console.log(`wrote ${path.relative(process.cwd(), spdxFile)}`);
