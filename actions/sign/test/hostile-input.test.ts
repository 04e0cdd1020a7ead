/**
 * Hostile-input suite (issue #20): the bundled action, run as the runner runs it, against inputs
 * and files an attacker (a pull request's author) or a careless user controls. Every case
 * asserts the exit code, the exact error lines, and the invariants in `assertHeld`; a case
 * that fails must not have reached Fulcio, Rekor or the OIDC endpoint.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { ensureBundled, repoRoot, runBundledAction, type RunResult } from '@spikeformer-actions/testing';
import { GitHubApiDouble, sampleEvent } from '@spikeformer-actions/testing/github';
import { startSigstoreServices, type SigstoreServices } from '@spikeformer-actions/testing/sigstore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFsGuard } from '@spikeformer-actions/testing/hostile';

const ACTION = 'actions/sign';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sign-hostile-'));
/** Files outside every workspace: no case may read them. */
const OUTSIDE = path.join(tmp, 'outside');
const OUTSIDE_CANARY = 'OUTSIDE-CANARY-77e2a1';
const KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();
const KEY_LINES = KEY.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
const REGISTRY_SECRET = 'Registry-Canary-4410';
const URL_SECRET = 'Url-Canary-Pass-2291';
const ENV_PASSWORD = 'Env-Canary-Pass-991';
const GITHUB_SECRET = 'ghs_GitHubTokenCanary5521';
const INJECT = '::error::PWNED%0A::warning::PWNED\n::stop-commands::x\n\u001b[31mPWNED\u001b[0m';
const ZEROS = '0'.repeat(64);
const FORGED_NAME = `x\nsha256:${ZEROS}  forged.bin`;

// Preloaded into the action: records the real path of every file it opens.
const GUARD = writeFsGuard(tmp);

interface Workspace {
  dir: string;
  write(name: string, content: string | Buffer): void;
}

function workspace(): Workspace {
  const dir = mkdtempSync(path.join(tmp, 'ws-'));
  const ws: Workspace = {
    dir,
    write(name, content) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    },
  };
  ws.write('a.bin', 'release bytes');
  return ws;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const deep = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
/** Key mode, no transparency log: signs without any service. */
const keyed = (extra: Record<string, string> = {}): Record<string, string> => ({
  files: 'a.bin',
  mode: 'key',
  key: KEY,
  tlog: 'false',
  ...extra,
});
/** Custom attestation in key mode. */
const custom = (extra: Record<string, string> = {}): Record<string, string> =>
  keyed({
    attest: 'custom',
    'predicate-type': 'https://cyclonedx.org/bom',
    predicate: 'pred.json',
    'output-dir': 'out',
    ...extra,
  });

let sigstore: SigstoreServices;
let github: GitHubApiDouble;
const keyless = (extra: Record<string, string> = {}): Record<string, string> => ({
  files: 'a.bin',
  'sigstore-instance': 'public-good',
  'fulcio-url': sigstore.url,
  'rekor-url': sigstore.url,
  ...extra,
});

interface Case {
  name: string;
  /** The issue #20 row this case reproduces; held probes have none. */
  row?: number;
  arrange?: (ws: Workspace) => void;
  inputs: (ws: Workspace) => Record<string, string>;
  /** Keyless cases get the runner's OIDC variables pointing at the local Sigstore. */
  oidc?: boolean;
  env?: Record<string, string>;
  /** The workflow's event payload (GITHUB_EVENT_PATH); {} by default. */
  event?: Record<string, unknown>;
  /** The event file's raw text instead (a broken payload). */
  eventText?: string;
  /** Point GITHUB_API_URL at the API double. */
  api?: boolean;
  exit: 0 | 1;
  /** Every error annotation, in order (a string is matched exactly). */
  errors: (string | RegExp)[];
  outputs?: Record<string, string | RegExp>;
  /** Values that must appear nowhere but in ::add-mask:: lines. */
  secrets?: string[];
  then?: (r: RunResult, ws: Workspace) => void;
}

const pathCases = (input: string, make: (value: string) => Record<string, string>): Case[] => [
  {
    name: `${input}: ../ out of the workspace is refused`,
    inputs: () => make('../outside/secret.json'),
    exit: 1,
    errors: [new RegExp(`^sign: Input '${input}': path '\\.\\./outside/secret\\.json' is outside the workspace /`)],
  },
  {
    name: `${input}: an absolute path elsewhere is refused`,
    inputs: () => make(path.join(OUTSIDE, 'secret.json')),
    exit: 1,
    errors: [
      new RegExp(
        `^sign: Input '${input}': path '${OUTSIDE.replace(/[.]/g, '\\.')}/secret\\.json' is outside the workspace /`,
      ),
    ],
  },
  {
    name: `${input}: a symlink leading out of the workspace is refused`,
    arrange: (ws) =>
      symlinkSync(path.join(OUTSIDE, input === 'output-dir' ? '' : 'secret.json'), path.join(ws.dir, 'link')),
    inputs: () => make('link'),
    exit: 1,
    errors: [`sign: Input '${input}': path 'link' leads through a symlink outside the workspace`],
  },
];

const CASES: Case[] = [
  // Row 4: file names that would add lines to the outputs.
  {
    name: 'row 4: a file name holding a line break is refused before anything is signed',
    row: 4,
    oidc: true,
    arrange: (ws) => ws.write(FORGED_NAME, 'x'),
    inputs: () => keyless({ files: '*.bin' }),
    exit: 1,
    errors: [
      `sign: Input 'files': the file name "x ⏎ sha256:${ZEROS}  forged.bin" holds a line break, which the outputs cannot hold one per line: rename the file`,
    ],
    outputs: {},
  },
  ...(
    [
      ['a carriage return', 'c\rd.bin'],
      ['U+2028', 'c\u2028d.bin'],
      ['U+2029', 'c\u2029d.bin'],
    ] as const
  ).map(([what, name]): Case => ({
    name: `row 4: ${what} in a file name is refused too`,
    row: 4,
    arrange: (ws) => ws.write(name, 'x'),
    inputs: () => keyed({ files: 'c*.bin' }),
    exit: 1,
    errors: [
      'sign: Input \'files\': the file name "c ⏎ d.bin" holds a line break, which the outputs cannot hold one per line: rename the file',
    ],
  })),
  {
    name: 'row 4: a backslash in a file name is escaped in digests the way sha256sum does',
    row: 4,
    arrange: (ws) => ws.write('a\\b.bin', 'payload'),
    inputs: () => keyed({ files: '*\\\\b.bin' }),
    exit: 0,
    errors: [],
    then: (r, ws) => {
      expect(r.outputs['digests']).toBe(`\\sha256:${sha256('payload')}  a\\\\b.bin`);
      expect(r.outputs['bundles']).toBe('a\\b.bin.sigstore.json');
      expect(existsSync(path.join(ws.dir, 'a\\b.bin.sigstore.json'))).toBe(true);
    },
  },
  {
    name: 'row 4: an escaped sha256sum line with a newline in the name stays one digests line',
    row: 4,
    arrange: (ws) => {
      ws.write('pred.json', '{}');
      ws.write('SUMS', `\\${'c'.repeat(64)}  x\\nsha256:${ZEROS}  forged.bin\n${'d'.repeat(64)}  plain.whl\n`);
    },
    inputs: () => custom({ files: '', checksums: 'SUMS' }),
    exit: 0,
    errors: [],
    then: (r, ws) => {
      expect(r.outputs['digests']).toBe(
        `\\sha256:${'c'.repeat(64)}  x\\nsha256:${ZEROS}  forged.bin\nsha256:${'d'.repeat(64)}  plain.whl`,
      );
      const bundle = bundleFromJSON(
        JSON.parse(readFileSync(path.join(ws.dir, 'out/attestation.sigstore.json'), 'utf8')),
      );
      const statement =
        bundle.content.$case === 'dsseEnvelope'
          ? (JSON.parse(Buffer.from(bundle.content.dsseEnvelope.payload).toString('utf8')) as {
              subject: { name: string }[];
            })
          : undefined;
      expect(statement?.subject.map((s) => s.name)).toEqual([FORGED_NAME, 'plain.whl']);
    },
  },
  {
    name: 'row 4: a checksums name holding U+2028 is refused naming the line',
    row: 4,
    arrange: (ws) => {
      ws.write('pred.json', '{}');
      ws.write('SUMS', `${'d'.repeat(64)}  ok.whl\n${'c'.repeat(64)}  a\u2028b.whl\n`);
    },
    inputs: () => custom({ files: '', checksums: 'SUMS' }),
    exit: 1,
    errors: [
      'sign: SUMS:2: the file name holds a line separator (U+2028 or U+2029), which the outputs cannot hold one per line',
    ],
  },
  // Row 9: deep predicate.
  {
    name: 'row 9: a predicate nested 50,000 levels deep is a file error, before any Sigstore request',
    row: 9,
    oidc: true,
    arrange: (ws) => ws.write('pred.json', deep(50_000)),
    inputs: () => keyless({ attest: 'custom', 'predicate-type': 'https://cyclonedx.org/bom', predicate: 'pred.json' }),
    exit: 1,
    errors: ['sign: pred.json:1:257: nests deeper than 256 levels'],
  },
  // Row 14: predicate-type and key given wrongly.
  {
    name: 'row 14: a predicate-type that is not a URI is refused',
    row: 14,
    arrange: (ws) => ws.write('pred.json', '{}'),
    inputs: () => custom({ 'predicate-type': 'cyclonedx' }),
    exit: 1,
    errors: [
      'sign: Input \'predicate-type\': "cyclonedx" is not a URI: in-toto needs an absolute URI with a scheme, such as https://cyclonedx.org/bom',
    ],
  },
  ...[
    'cosign.key',
    './keys/cosign.key',
    '/home/runner/.sigstore/cosign.key',
    'C:\\keys\\cosign.pem',
    '~/cosign.key',
  ].map((value): Case => ({
    name: `row 14: a key given as a path (${value}) says so without echoing it`,
    row: 14,
    inputs: () => keyed({ key: value }),
    exit: 1,
    errors: ["sign: Input 'key': looks like a path: give the key's content (a secret), not a file name"],
    secrets: [value],
  })),
  {
    name: 'row 14: a key that is neither PEM nor a path is refused without echoing it',
    row: 14,
    inputs: () => keyed({ key: 'Not-A-Key-Canary 7781 but some words' }),
    exit: 1,
    errors: ["sign: Input 'key': is not PEM (expected the text of a cosign.key or of a PKCS#8 private key)"],
    secrets: ['Not-A-Key-Canary'],
  },
  {
    name: 'row 14: a base64-encoded PEM key says to decode it, without echoing it',
    row: 14,
    inputs: () => keyed({ key: Buffer.from(KEY).toString('base64') }),
    exit: 1,
    errors: ["sign: Input 'key': looks base64-encoded: give the PEM text itself (decode it first)"],
    secrets: [Buffer.from(KEY).toString('base64').slice(0, 40)],
  },
  // Held: injection strings in every field that reaches the log, an annotation, the summary or an output.
  {
    name: 'injection in a file name: neutralised in the log, escaped in the summary',
    arrange: (ws) => ws.write('::warning::PWNED<img src=x onerror=alert(1)>.bin', 'x'),
    inputs: () => keyed({ files: '*PWNED*' }),
    exit: 0,
    errors: [],
    then: (r) => {
      expect(r.stdout).toContain(':\u200b:warning:\u200b:PWNED');
      expect(r.summary).not.toContain('<img');
      expect(r.outputs['digests']).toBe(`sha256:${sha256('x')}  ::warning::PWNED<img src=x onerror=alert(1)>.bin`);
    },
  },
  {
    name: 'an ANSI escape in a file name does not reach the log',
    arrange: (ws) => ws.write('\u001b[31mred.bin', 'x'),
    inputs: () => keyed({ files: '*red.bin' }),
    exit: 0,
    errors: [],
  },
  {
    name: 'injection in predicate-type is an input error echoed neutralised',
    arrange: (ws) => ws.write('pred.json', '{}'),
    inputs: () => custom({ 'predicate-type': `https://x/${INJECT}` }),
    exit: 1,
    errors: [/^sign: Input 'predicate-type': "https:\/\/x\/:\u200b:error:\u200b:PWNED.*" is not a URI: /s],
  },
  {
    name: 'injection in image is an input error echoed neutralised',
    inputs: () => keyed({ files: '', image: `ghcr.io/a/b@sha256:${ZEROS}${INJECT}` }),
    exit: 1,
    errors: [/^sign: Input 'image': .*:\u200b:error:\u200b:PWNED/s],
  },
  {
    name: 'injection in a checksums line is reported by line number only',
    arrange: (ws) => {
      ws.write('pred.json', '{}');
      ws.write('SUMS', `${INJECT}\n`);
    },
    inputs: () => custom({ files: '', checksums: 'SUMS' }),
    exit: 1,
    errors: ['sign: SUMS:1: expected "<hex digest>  <file name>"'],
  },
  // Held: traversal and links out of the workspace in every path input.
  ...pathCases('files', (v) => keyed({ files: v })),
  ...pathCases('checksums', (v) => custom({ files: '', checksums: v })),
  ...pathCases('predicate', (v) => custom({ predicate: v })),
  ...pathCases('output-dir', (v) => keyed({ 'output-dir': v })),
  {
    name: 'a glob through a symlinked folder out of the workspace is refused',
    arrange: (ws) => symlinkSync(OUTSIDE, path.join(ws.dir, 'linkdir')),
    inputs: () => keyed({ files: 'linkdir/*.json' }),
    exit: 1,
    errors: [/^sign: Input 'files': pattern 'linkdir\/\*\.json' reaches outside the workspace \/.+$/],
  },
  {
    name: 'output-dir holding a line break is refused (bundle paths are written to an output)',
    inputs: () => keyed({ 'output-dir': `out\n::warning::PWNED` }),
    exit: 1,
    errors: ["sign: Input 'output-dir': holds a line break; a path written to an output must be one line"],
    outputs: {},
  },
  {
    name: 'checksums names that traverse are only names: nothing is read through them',
    arrange: (ws) => {
      ws.write('pred.json', '{}');
      ws.write('SUMS', `${'c'.repeat(64)}  ../outside/secret.json\n`);
    },
    inputs: () => custom({ files: '', checksums: 'SUMS' }),
    exit: 0,
    errors: [],
    outputs: { digests: `sha256:${'c'.repeat(64)}  ../outside/secret.json` },
  },
  // Held: truncated, empty, binary, huge, duplicate-key and non-object documents.
  ...(
    [
      ['truncated', '{"bomFormat": "CycloneDX", "comp', /^sign: pred\.json:1:\d+: invalid JSON: .+$/],
      ['empty', '', 'sign: pred.json:1:1: is empty, expected JSON'],
      ['binary', '\u0000\u0001\u00ff PK\u0003\u0004', /^sign: pred\.json:1:1: invalid JSON: .+$/],
      [
        'an array (not an object)',
        '[1, 2]',
        'sign: pred.json: is not a JSON object (an in-toto predicate is an object)',
      ],
    ] as const
  ).map(([what, text, error]): Case => ({
    name: `a ${what} predicate is a file error`,
    arrange: (ws) => ws.write('pred.json', text),
    inputs: () => custom(),
    exit: 1,
    errors: [error],
  })),
  {
    name: 'a huge predicate is refused by size before it is read',
    arrange: (ws) => {
      ws.write('pred.json', '');
      truncateSync(path.join(ws.dir, 'pred.json'), 65 * 1024 * 1024);
    },
    inputs: () => custom(),
    exit: 1,
    errors: ['sign: pred.json: is 65.0 MiB, over the limit of 64.0 MiB'],
  },
  {
    name: 'a duplicate-key predicate: the last value is what is signed (one unambiguous statement)',
    arrange: (ws) => ws.write('pred.json', '{"version": 1, "version": 2}'),
    inputs: () => custom(),
    exit: 0,
    errors: [],
    then: (_r, ws) => {
      const bundle = bundleFromJSON(
        JSON.parse(readFileSync(path.join(ws.dir, 'out/attestation.sigstore.json'), 'utf8')),
      );
      const payload =
        bundle.content.$case === 'dsseEnvelope'
          ? Buffer.from(bundle.content.dsseEnvelope.payload).toString('utf8')
          : '';
      expect((JSON.parse(payload) as { predicate: unknown }).predicate).toEqual({ version: 2 });
      expect(payload.match(/"version"/g)).toHaveLength(1);
    },
  },
  {
    name: 'an empty checksums file is a file error',
    arrange: (ws) => {
      ws.write('pred.json', '{}');
      ws.write('SUMS', '');
    },
    inputs: () => custom({ files: '', checksums: 'SUMS' }),
    exit: 1,
    errors: ['sign: SUMS:1: no checksum line'],
  },
  {
    name: 'a binary checksums file is a file error',
    arrange: (ws) => {
      ws.write('pred.json', '{}');
      ws.write('SUMS', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff]));
    },
    inputs: () => custom({ files: '', checksums: 'SUMS' }),
    exit: 1,
    errors: ['sign: SUMS:1: expected "<hex digest>  <file name>"'],
  },
  {
    name: 'a huge checksums file is refused by size',
    arrange: (ws) => {
      ws.write('pred.json', '{}');
      ws.write('SUMS', '');
      truncateSync(path.join(ws.dir, 'SUMS'), 9 * 1024 * 1024);
    },
    inputs: () => custom({ files: '', checksums: 'SUMS' }),
    exit: 1,
    errors: ['sign: SUMS: is 9.0 MiB, over the limit of 8.0 MiB'],
  },
  // Held: invalid enums and booleans (this action has no numeric input).
  ...(
    [
      ['tlog', 'NaN'],
      ['tlog', '-1'],
      ['mode', 'Infinity'],
      ['attest', 'slsa'],
    ] as const
  ).map(([input, value]): Case => ({
    name: `${input}: ${value} is an input error`,
    inputs: () => keyed({ [input]: value }),
    exit: 1,
    errors: [new RegExp(`^sign: Input '${input}': `)],
  })),
  // Held: secrets and credentials on error paths.
  {
    name: 'a PEM key given in keyless mode is refused without echoing it',
    oidc: true,
    inputs: () => keyless({ key: KEY }),
    exit: 1,
    errors: ["sign: Input 'key': is set but mode is keyless; set mode: key to sign with it"],
    secrets: KEY_LINES,
  },
  {
    name: 'a corrupted PEM key is refused without echoing it',
    inputs: () => keyed({ key: KEY.replace(KEY_LINES[1] ?? '', 'A'.repeat(64)) }),
    exit: 1,
    errors: [/^sign: Input 'key': /],
    secrets: KEY_LINES.filter((l) => l !== KEY_LINES[1]),
  },
  {
    name: 'a wrong COSIGN_PASSWORD from the environment is masked and not echoed',
    inputs: () =>
      keyed({
        key: readFileSync(path.join(repoRoot, 'packages/supply-chain/test/fixtures/cosign-sigstore-hello.key'), 'utf8'),
      }),
    env: { COSIGN_PASSWORD: ENV_PASSWORD },
    exit: 1,
    errors: ["sign: Input 'key': wrong password for the encrypted key (decryption failed its integrity check)"],
    secrets: [ENV_PASSWORD],
    then: (r) => expect(r.masks).toContain(ENV_PASSWORD),
  },
  {
    name: 'credentials in a Sigstore URL never reach the error line',
    oidc: true,
    inputs: () => keyless({ 'rekor-url': `http://ci:${URL_SECRET}@127.0.0.1:9` }),
    exit: 1,
    errors: [
      /^sign: the transparency log \(http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:9\/?\) did not record the signature; set tlog: false with a tsa-url to sign without it/,
    ],
    secrets: [URL_SECRET],
  },
  {
    name: 'credentials in an invalid URL input are not echoed',
    inputs: () => keyed({ 'fulcio-url': `ftp://ci:${URL_SECRET}@fulcio.example` }),
    exit: 1,
    errors: [/^sign: Input 'fulcio-url': "ftp:\/\/\*\*\*:\*\*\*@fulcio\.example\/?" is not an http\(s\) URL$/],
    secrets: [URL_SECRET],
  },
  {
    name: 'credentials in an unparsable URL input are not echoed',
    inputs: () => keyed({ 'rekor-url': `ht!tp://ci:${URL_SECRET}@rekor.example` }),
    exit: 1,
    errors: ['sign: Input \'rekor-url\': "ht!tp://***@rekor.example" is not an http(s) URL'],
    secrets: [URL_SECRET],
  },
  {
    name: 'a percent-sequence password in a timestamp authority URL is masked and never echoed',
    inputs: () => keyed({ 'tsa-url': `http://ci:${URL_SECRET}%zz@127.0.0.1:9` }),
    exit: 1,
    errors: [/^sign: the timestamp authority \(http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:9\/?\) did not return a timestamp/],
    secrets: [URL_SECRET],
    then: (r) => expect(r.masks).toContain(`${URL_SECRET}%zz`),
  },
  // Held: the GitHub integration's inputs (issue #23): instance, tlog, attestations store, token, event.
  ...(
    [
      ['sigstore-instance', INJECT],
      ['sigstore-instance', 'GitHub'],
      ['github-attestations', 'yes'],
      ['tlog', 'Infinity'],
    ] as const
  ).map(([input, value]): Case => ({
    name: `${input}: ${JSON.stringify(value).slice(0, 40)} is an input error`,
    inputs: () => keyed({ [input]: value }),
    exit: 1,
    errors: [new RegExp(`^sign: Input '${input}': `)],
  })),
  {
    name: "tlog: true on GitHub's instance (no transparency log) is refused before signing",
    inputs: () => keyed({ tlog: 'true', 'sigstore-instance': 'github' }),
    exit: 1,
    errors: [
      "sign: Input 'tlog': is true, but GitHub's Sigstore instance has no transparency log: leave tlog at auto, or set rekor-url to a Rekor of your own",
    ],
    then: (r) => expect(r.stdout).not.toContain('Signing with'),
  },
  {
    name: 'github-attestations: true without a token is refused before signing',
    arrange: (ws) => ws.write('pred.json', '{}'),
    inputs: () => custom({ 'github-attestations': 'true' }),
    exit: 1,
    errors: [
      "sign: Input 'github-token': is empty, and github-attestations: true needs a token with `permissions: attestations: write`",
    ],
    then: (r) => expect(r.stdout).not.toContain('Signing with'),
  },
  {
    name: 'github-attestations: true with nothing GitHub stores (per-file signatures) is refused',
    inputs: () => keyed({ 'github-attestations': 'true', 'github-token': GITHUB_SECRET }),
    exit: 1,
    errors: [
      "sign: Input 'github-attestations': is true, but GitHub stores in-toto attestations only: set attest: slsa-provenance or custom (or sign an image), or github-attestations: false",
    ],
    secrets: [GITHUB_SECRET],
  },
  {
    name: 'github-attestations: true with GITHUB_REPOSITORY not owner/name (traversal) is refused',
    arrange: (ws) => ws.write('pred.json', '{}'),
    inputs: () => custom({ 'github-attestations': 'true', 'github-token': GITHUB_SECRET }),
    env: { GITHUB_REPOSITORY: '../../orgs/x' },
    exit: 1,
    errors: [
      "sign: Input 'github-attestations': is true, but GITHUB_REPOSITORY does not name a repository (owner/name): run inside GitHub Actions or set github-attestations: false",
    ],
    secrets: [GITHUB_SECRET],
  },
  {
    name: "GitHub's refusal with injected text and the token: one error naming the permission, nothing injected, the token never shown",
    arrange: (ws) => {
      ws.write('pred.json', '{}');
      github.fail('repos/create-attestation', 403, `${INJECT} ${GITHUB_SECRET}`, 1);
    },
    inputs: () => custom({ 'github-attestations': 'true', 'github-token': GITHUB_SECRET }),
    api: true,
    exit: 1,
    errors: [
      /^sign: GitHub refused to store the attestation \(HTTP 403: .*\): the job needs `permissions: attestations: write`/,
    ],
    secrets: [GITHUB_SECRET],
    then: (r) => expect(r.masks).toContain(GITHUB_SECRET),
  },
  {
    name: 'github-attestations: auto and an unreachable API: a warning, the bundle is kept, the token never shown',
    arrange: (ws) => ws.write('pred.json', '{}'),
    inputs: () => custom({ 'github-token': GITHUB_SECRET }),
    env: { GITHUB_API_URL: 'http://127.0.0.1:9' },
    exit: 0,
    errors: [],
    secrets: [GITHUB_SECRET],
    then: (r) => {
      expect(r.annotations.map((a) => [a.level, a.message])).toEqual([
        ['warning', expect.stringMatching(/^GitHub could not be reached to store the attestation \(.+\)$/)],
      ]);
      expect([r.outputs['attestation-id'], r.outputs['attestation-url']]).toEqual(['', '']);
    },
  },
  {
    name: "an event whose repository.visibility is injected text selects GitHub's instance and is never echoed",
    inputs: () => ({ files: 'a.bin' }),
    // Off GitHub's webhook schema on purpose: the payload file is what a hostile runner image could hand over.
    event: { ...sampleEvent('push', {}), repository: { visibility: INJECT } },
    exit: 1,
    errors: [/^sign: keyless signing needs a GitHub OIDC token/],
    then: (r) =>
      expect(r.stdout).toContain("Signing with GitHub's Sigstore instance: Fulcio https://fulcio.githubapp.com,"),
  },
  {
    name: 'a truncated event payload names the file, with no stack trace',
    eventText: '{"repository": {"visibility": "pri',
    inputs: () => keyed(),
    exit: 1,
    errors: [/^sign: the event payload(:\d+:\d+)?: /],
  },
  {
    name: 'a deeply nested event payload is refused at the depth limit',
    eventText: `{"repository": ${deep(400)}}`,
    inputs: () => keyed(),
    exit: 1,
    errors: [/^sign: the event payload(:\d+:\d+)?: nests deeper than 256 levels$/],
  },
  {
    name: 'a registry password never appears when the registry cannot be reached',
    inputs: () =>
      keyed({
        files: '',
        image: `127.0.0.1:9/spikeformer/api@sha256:${ZEROS}`,
        'registry-username': 'ci',
        'registry-password': REGISTRY_SECRET,
      }),
    exit: 1,
    errors: [/^sign: .*127\.0\.0\.1:9.*ECONNREFUSED/],
    secrets: [REGISTRY_SECRET],
  },
];

function logText(r: RunResult): string {
  return r.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
}

const ALLOWED_COMMANDS = new Set(['error', 'warning', 'notice', 'add-mask', 'group', 'endgroup', 'debug']);

/** What must hold for every case, whatever its outcome. */
function assertHeld(r: RunResult, c: Case, opened: string[]): void {
  expect(r.stdout).not.toContain('Stack trace');
  expect(r.stdout).not.toContain('unexpected error');
  expect(r.stderr).toBe('');
  expect(r.stdout).not.toContain('\u001b');
  for (const cmd of r.commands) {
    expect(ALLOWED_COMMANDS.has(cmd.command), `command ${cmd.command}`).toBe(true);
    expect(cmd.legacy).toBe(false);
  }
  for (const a of r.annotations) expect(a.message).not.toMatch(/^PWNED/);
  for (const line of logText(r).split('\n'))
    if (/^\s*::/.test(line)) expect(line).toMatch(/^::(error|warning|notice|group|endgroup|debug)( [^:]*)?::/);
  const everywhere = [logText(r), r.summary, JSON.stringify(r.outputs)].join('\n');
  for (const s of [OUTSIDE_CANARY, ...KEY_LINES, ...(c.secrets ?? [])]) expect(everywhere).not.toContain(s);
  for (const v of Object.values(r.outputs))
    for (const line of v.split('\n')) expect(line).not.toMatch(/[\r\u2028\u2029]/);
  expect(opened.filter((f) => f.startsWith(realpathSync(OUTSIDE)))).toEqual([]);
}

/** A broken event file written where the runner would put it. */
function eventEnv(c: Case): Record<string, string> {
  if (c.eventText === undefined) return {};
  const file = path.join(mkdtempSync(path.join(tmp, 'event-')), 'event.json');
  writeFileSync(file, c.eventText);
  return { GITHUB_EVENT_PATH: file };
}

beforeAll(async () => {
  ensureBundled(ACTION);
  sigstore = await startSigstoreServices();
  github = new GitHubApiDouble();
  await github.start();
  mkdirSync(OUTSIDE, { recursive: true });
  writeFileSync(path.join(OUTSIDE, 'secret.json'), JSON.stringify({ note: OUTSIDE_CANARY }));
}, 240_000);

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed */
  await sigstore?.close();
  await github?.close();
  github?.assertNoViolations();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

describe(`sign hostile input (${CASES.length} cases)`, { timeout: 60_000 }, () => {
  it.each(CASES.map((c) => [c.row ? `row ${c.row}` : 'held', c.name, c] as const))(
    '[%s] %s',
    async (_kind, _name, c) => {
      const ws = workspace();
      c.arrange?.(ws);
      const guardLog = path.join(mkdtempSync(path.join(tmp, 'guard-')), 'opened.log');
      writeFileSync(guardLog, '');
      const before = sigstore.requests.length;
      const r = await runBundledAction(ACTION, {
        workspace: ws.dir,
        inputs: c.inputs(ws),
        env: {
          ...(c.oidc ? sigstore.idTokenEnv() : {}),
          ...(c.api ? { GITHUB_API_URL: github.url } : {}),
          ...eventEnv(c),
          ...c.env,
          NODE_OPTIONS: `--import=${GUARD}`,
          FS_GUARD_LOG: guardLog,
        },
        ...(c.event ? { event: c.event } : {}),
      });
      const errors = r.annotations.filter((a) => a.level === 'error').map((a) => a.message);
      expect(errors).toHaveLength(c.errors.length);
      c.errors.forEach((e, i) => (typeof e === 'string' ? expect(errors[i]).toBe(e) : expect(errors[i]).toMatch(e)));
      expect(r.exitCode).toBe(c.exit);
      if (c.exit === 1) {
        // Refused before any request, except where the failure is the service itself.
        if (!c.name.includes('Sigstore URL')) expect(sigstore.requests.slice(before)).toEqual([]);
        if (c.outputs) expect(r.outputs).toEqual(c.outputs);
      }
      for (const [k, v] of Object.entries(c.outputs ?? {})) {
        if (typeof v === 'string') expect(r.outputs[k]).toBe(v);
        else expect(r.outputs[k]).toMatch(v);
      }
      assertHeld(
        r,
        c,
        readFileSync(guardLog, 'utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      c.then?.(r, ws);
    },
  );

  it('the file guard sees what the action reads (the signed file in the workspace)', async () => {
    const ws = workspace();
    const guardLog = path.join(mkdtempSync(path.join(tmp, 'guard-')), 'opened.log');
    writeFileSync(guardLog, '');
    const r = await runBundledAction(ACTION, {
      workspace: ws.dir,
      inputs: keyed(),
      env: { NODE_OPTIONS: `--import=${GUARD}`, FS_GUARD_LOG: guardLog },
    });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(guardLog, 'utf8').split('\n')).toContain(path.join(ws.dir, 'a.bin'));
  });
});
