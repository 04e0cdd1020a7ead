/**
 * A small SBOM with every field this action writes (hashes, licenses by id, name and expression,
 * scopes, properties, external references, dependencies, serial number, timestamp). The worker
 * validates it while the main thread is still reading lockfiles: V8 compiles a validator function
 * on its first call, so the real document then runs through compiled code. It must be valid
 * (a test checks), or it would warm the error paths instead.
 */
export function warmUpDocument(specVersion: '1.5' | '1.6'): unknown {
  const hash256 = 'a'.repeat(64);
  const hash512 = 'b'.repeat(128);
  const component = (name: string, extra: Record<string, unknown>): Record<string, unknown> => ({
    type: 'library',
    name,
    version: '1.0.0',
    'bom-ref': `pkg:pypi/${name}@1.0.0`,
    purl: `pkg:pypi/${name}@1.0.0`,
    scope: 'required',
    hashes: [
      { alg: 'SHA-256', content: hash256 },
      { alg: 'SHA-512', content: hash512 },
    ],
    properties: [{ name: 'spikeformer:sbom:lockfile', value: 'poetry.lock' }],
    ...extra,
  });
  return {
    $schema: `http://cyclonedx.org/schema/bom-${specVersion}.schema.json`,
    bomFormat: 'CycloneDX',
    specVersion,
    serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
    version: 1,
    metadata: {
      timestamp: '2026-01-01T00:00:00.000Z',
      tools: { components: [{ type: 'application', name: 'sbom', group: 'spikeformer-actions', version: '1.0.0' }] },
      component: { type: 'application', name: 'project', version: '1.0.0', 'bom-ref': 'lockfile:poetry.lock', properties: [{ name: 'spikeformer:sbom:lockfile', value: 'poetry.lock' }] },
    },
    components: [
      component('alpha', { group: 'org', licenses: [{ license: { id: 'MIT' } }] }),
      component('beta', { scope: 'excluded', licenses: [{ license: { name: 'Custom licence' } }] }),
      component('gamma', {
        scope: 'optional',
        licenses: [{ expression: 'MIT OR Apache-2.0' }],
        externalReferences: [
          { type: 'vcs', url: 'git+https://github.com/org/gamma.git#0123456789abcdef' },
          { type: 'distribution', url: 'https://files.example.org/gamma-1.0.0.tar.gz', hashes: [{ alg: 'SHA-256', content: hash256 }] },
        ],
      }),
    ],
    dependencies: [
      { ref: 'lockfile:poetry.lock', dependsOn: ['pkg:pypi/alpha@1.0.0', 'pkg:pypi/gamma@1.0.0'] },
      { ref: 'pkg:pypi/alpha@1.0.0', dependsOn: ['pkg:pypi/beta@1.0.0'] },
      { ref: 'pkg:pypi/beta@1.0.0' },
      { ref: 'pkg:pypi/gamma@1.0.0' },
    ],
  };
}
