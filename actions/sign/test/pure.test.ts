import { describe, expect, it } from 'vitest';
import { checksumLine, parseChecksums } from '../src/checksums.js';
import { keyProblem, looksLikePath } from '../src/key-shape.js';
import { buildContext, missingContext } from '../src/context.js';
import { validate, type RawChoices } from '../src/inputs.js';
import { idTokenUnavailable, jwtClaims } from '../src/oidc.js';

const base: RawChoices = {
  hasSubjects: true,
  hasFiles: true,
  checksums: '',
  image: false,
  mode: 'keyless',
  key: '',
  attest: 'none',
  predicateType: '',
  predicate: '',
};

describe('input rules', () => {
  it('accepts a plain keyless file signing', () => {
    expect(() => validate(base)).not.toThrow();
  });
  it.each([
    [{ hasSubjects: false, hasFiles: false }, /nothing to sign/],
    [{ mode: 'key' as const }, /Input 'key': is required with mode: key/],
    [{ key: 'x' }, /mode is keyless/],
    [{ attest: 'custom' as const, predicateType: 'https://cyclonedx.org/bom' }, /needs both predicate/],
    [{ predicateType: 'x' }, /only used with attest: custom/],
    [{ hasFiles: false, checksums: '/w/SHA256SUMS' }, /checksums name subjects without their bytes/],
    [
      { attest: 'custom' as const, predicate: '/w/p.json', predicateType: 'cyclonedx' },
      /Input 'predicate-type': "cyclonedx" is not a URI: in-toto needs an absolute URI with a scheme/,
    ],
    [
      { mode: 'key' as const, key: 'cosign.key' },
      /^Input 'key': looks like a path: give the key's content \(a secret\), not a file name$/,
    ],
  ])('refuses %o', (change, message) => {
    expect(() => validate({ ...base, ...change })).toThrow(message);
  });
});

describe('checksums files', () => {
  it('reads sha256sum and sha512sum lines, binary markers and comments', () => {
    const a = 'a'.repeat(64);
    const b = 'B'.repeat(128);
    expect(parseChecksums(`# release\n${a}  dist/x.whl\n${b} *dist/y.tar.gz\n\n`)).toEqual({
      ok: true,
      subjects: [
        { name: 'dist/x.whl', digest: { sha256: a } },
        { name: 'dist/y.tar.gz', digest: { sha512: 'b'.repeat(128) } },
      ],
    });
  });
  it('names the bad line', () => {
    expect(parseChecksums(`${'a'.repeat(64)}  ok\nabc  short`)).toEqual({
      ok: false,
      line: 2,
      problem: expect.stringContaining('neither sha256'),
    });
    expect(parseChecksums('just-a-name')).toMatchObject({ ok: false, line: 1 });
  });
});

describe('OIDC availability', () => {
  it('explains what to add without id-token permission', () => {
    expect(idTokenUnavailable({})).toMatch(/permissions: id-token: write.*or use mode: key/);
  });
  it('explains act', () => {
    expect(
      idTokenUnavailable({ ACT: 'true', ACTIONS_ID_TOKEN_REQUEST_URL: 'x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'y' }),
    ).toMatch(/act \(ACT=true\).*mode: key/);
  });
  it('is available when the runner sets both variables', () => {
    expect(
      idTokenUnavailable({ ACTIONS_ID_TOKEN_REQUEST_URL: 'x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'y' }),
    ).toBeUndefined();
  });
  it('reads claims, and the job workflow from them wins over the env', () => {
    const token = `e30.${Buffer.from(JSON.stringify({ job_workflow_ref: 'x/g/.github/workflows/b.yml@refs/tags/v1', ref: 'refs/tags/v2' })).toString('base64url')}.`;
    const ctx = buildContext(
      {
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_SHA: 's',
        GITHUB_WORKFLOW_REF: 'o/r/.github/workflows/a.yml@refs/heads/main',
        GITHUB_RUN_ID: '1',
      },
      jwtClaims(token),
    );
    expect(ctx.jobWorkflowRef).toBe('x/g/.github/workflows/b.yml@refs/tags/v1');
    expect(ctx.ref).toBe('refs/tags/v2');
    expect(missingContext(ctx)).toEqual([]);
    expect(missingContext(buildContext({}))).toEqual(['repository', 'ref', 'sha', 'workflowRef', 'runId']);
  });
});

describe('names in checksum lines (GNU sha256sum escaping)', () => {
  const hex = 'a'.repeat(64);
  it('writes plain names as they are and escapes \\, LF and CR with a leading backslash', () => {
    expect(checksumLine(`sha256:${hex}`, 'dist/x.whl')).toBe(`sha256:${hex}  dist/x.whl`);
    expect(checksumLine(`sha256:${hex}`, 'a\\b\nc\rd')).toBe(`\\sha256:${hex}  a\\\\b\\nc\\rd`);
  });
  it('reads escaped lines back to the same name', () => {
    expect(parseChecksums(`\\${hex}  a\\\\b\\nc\n`)).toEqual({
      ok: true,
      subjects: [{ name: 'a\\b\nc', digest: { sha256: hex } }],
    });
  });
  it('refuses U+2028 in a name, naming the line', () => {
    expect(parseChecksums(`${hex}  ok\n${hex}  a\u2029b`)).toEqual({
      ok: false,
      line: 2,
      problem: expect.stringContaining('line separator'),
    });
  });
});

describe('key inputs that are not PEM', () => {
  it.each([
    'cosign.key',
    './cosign.key',
    'keys/cosign.pem',
    '/home/runner/cosign.key',
    'C:\\keys\\k.pem',
    '~/k',
    'secrets/signing/release.priv',
  ])('%s looks like a path', (v) => {
    expect(looksLikePath(v)).toBe(true);
  });
  it.each([
    'MHcCAQEEIB3x/Qk+abc/def==',
    'hello world',
    '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
    '',
  ])('%j does not', (v) => {
    expect(looksLikePath(v)).toBe(false);
  });
  it('names the problem without the value', () => {
    expect(keyProblem('-----BEGIN PRIVATE KEY-----\n…')).toBeUndefined();
    expect(keyProblem(Buffer.from('-----BEGIN PRIVATE KEY-----').toString('base64'))).toBe(
      'looks base64-encoded: give the PEM text itself (decode it first)',
    );
    expect(keyProblem('abc def')).toBe('is not PEM (expected the text of a cosign.key or of a PKCS#8 private key)');
  });
});
