import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { allUnique, canonicalJson } from '../src/validator/unique.cjs';
import { spdxValidatorSource, validatorSource } from '../src/validator/generate.js';
import { schemaErrors } from './helpers.js';

vi.setConfig({ testTimeout: 180_000 });

describe('the precompiled CycloneDX and SPDX validators', () => {
  it('are what the generator makes from the installed library’s schemas and the vendored SPDX 2.3 schema (regenerate: node scripts/gen-validators.ts)', () => {
    for (const version of ['1.5', '1.6'] as const) {
      const committed = readFileSync(path.join(import.meta.dirname, `../src/generated/bom-${version}.cjs`), 'utf8');
      expect(committed === validatorSource(version), `src/generated/bom-${version}.cjs is stale`).toBe(true);
    }
    const spdx = readFileSync(path.join(import.meta.dirname, '../src/generated/spdx-2.3.cjs'), 'utf8');
    expect(spdx === spdxValidatorSource(), 'src/generated/spdx-2.3.cjs is stale').toBe(true);
  });

  it('reject what the schema rejects: duplicates (uniqueItems), bad enums, unknown properties, bad formats', async () => {
    const base = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      version: 1,
      components: [{ type: 'library', name: 'a', hashes: [{ alg: 'SHA-256', content: 'a'.repeat(64) }] }],
    };
    expect(await schemaErrors(JSON.stringify(base), '1.6')).toBeNull();
    const dup = {
      ...base,
      components: [base.components[0], { hashes: base.components[0]?.hashes, name: 'a', type: 'library' }],
    };
    expect((await schemaErrors(JSON.stringify(dup), '1.6'))?.[0]?.keyword).toBe('uniqueItemsLinear');
    expect(
      await schemaErrors(JSON.stringify({ ...base, components: [{ type: 'gadget', name: 'a' }] }), '1.6'),
    ).not.toBeNull();
    expect(await schemaErrors(JSON.stringify({ ...base, surprise: true }), '1.6')).not.toBeNull();
    expect(await schemaErrors(JSON.stringify({ ...base, serialNumber: 'not-a-urn' }), '1.6')).not.toBeNull();
    expect(await schemaErrors(JSON.stringify({ ...base, metadata: { timestamp: 'yesterday' } }), '1.6')).not.toBeNull();
    expect(
      await schemaErrors(
        JSON.stringify({
          ...base,
          specVersion: '1.5',
          components: [{ type: 'library', name: 'a', hashes: [{ alg: 'SHA-256', content: 'xyz' }] }],
        }),
        '1.5',
      ),
    ).not.toBeNull();
  });

  it('uniqueness: key order does not make items different; same fingerprint with different values does', () => {
    expect(
      allUnique([
        { a: 1, b: [1, 2] },
        { b: [1, 2], a: 1 },
      ]),
    ).toBe(false);
    // Same characters, same length: a fingerprint collision that is not a duplicate.
    expect(
      allUnique([
        { a: 'b', c: 'd' },
        { a: 'd', c: 'b' },
      ]),
    ).toBe(true);
    expect(allUnique([{ a: [1, 2] }, { a: [2, 1] }])).toBe(true);
    expect(allUnique([1, '1', 1])).toBe(false);
    expect(allUnique([])).toBe(true);
    // The SBOM's normalised document is validated in memory: an undefined member is absent, as in its JSON text.
    expect(allUnique([{ a: 1, b: undefined }, { a: 1 }])).toBe(false);
    expect(allUnique([[undefined], [null]])).toBe(false);
    // Same length and the same sampled characters, different strings: a collision, resolved by the comparison.
    expect(allUnique([{ v: 'abcdefghijklmnop' }, { v: 'abcdefghiXklmnop' }])).toBe(true);
  });

  it('canonical JSON ignores key order only', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(canonicalJson({ a: [1, { c: 3, d: 2 }], b: 1 }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
  });
});
