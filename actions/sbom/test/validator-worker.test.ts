import path from 'node:path';
import { ensureBundled, repoRoot } from '@spikeformer-actions/testing';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { startValidator } from '../src/validator-client.js';
import { generateFor, lockfilesDir } from './helpers.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

const workerFile = path.join(repoRoot, 'actions/sbom/dist/workers/validate/index.js');

beforeAll(() => {
  ensureBundled('actions/sbom');
});

describe('the schema validator on a worker thread (the bundle’s)', () => {
  it('accepts a valid SBOM and reports what is wrong with an invalid one, for 1.6 and 1.5', async () => {
    const { serialized } = await generateFor([path.join(lockfilesDir, 'npm/package-lock.json')]);
    const validator = startValidator(workerFile);
    try {
      expect(await validator.errors(undefined, serialized.text, '1.6')).toBeNull();
      const bad = JSON.parse(serialized.text) as { components: Array<Record<string, unknown>> };
      bad.components.push({ ...bad.components[0] });
      const dup = await validator.errors(undefined, JSON.stringify(bad), '1.6');
      expect(dup?.[0]?.keyword).toBe('uniqueItemsLinear');
      const wrongType = await validator.errors(undefined, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'gadget', name: 'a' }] }), '1.5');
      expect(wrongType?.[0]?.instancePath).toBe('/components/0/type');
    } finally {
      validator.close();
    }
  });

  it('fails the request, not the process, when the worker cannot parse what it is sent', async () => {
    const validator = startValidator(workerFile);
    try {
      await expect(validator.errors(undefined, '{"truncated":', '1.6')).rejects.toThrow(/schema validation failed/);
      // Still serving afterwards.
      expect(await validator.errors(undefined, '{"bomFormat":"CycloneDX","specVersion":"1.6"}', '1.6')).toBeNull();
    } finally {
      validator.close();
    }
  });
});
