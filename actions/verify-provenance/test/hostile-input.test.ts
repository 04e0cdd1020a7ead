/**
 * Hostile-input suite (issue #20): the bundled action, run as the runner runs it, against inputs
 * and files an attacker (a pull request's author) or a careless user controls. Every case
 * asserts the exit code, the exact error lines, and the invariants in `assertHeld`.
 */
import {
  cpSync,
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
import { createHash } from 'node:crypto';
import { ensureBundled, fixturePath, runBundledAction, type RunResult } from '@spikeformer-actions/testing';
import { GitHubApiDouble } from '@spikeformer-actions/testing/github';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFsGuard } from '@spikeformer-actions/testing/hostile';

const ACTION = 'actions/verify-provenance';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'vp-hostile-'));
/** Files outside every workspace: no case may read them. */
const OUTSIDE = path.join(tmp, 'outside');
const OUTSIDE_CANARY = 'OUTSIDE-CANARY-5d1f0c';
const SECRET = 'Registry-Canary-8842';
const PEM_SECRET = [
  '-----BEGIN PRIVATE KEY-----',
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgPemCanaryLineOne1',
  'hRANCAAQPemCanaryLineTwo22222222222222222222222222222222222222222',
  '-----END PRIVATE KEY-----',
].join('\n');
const INJECT = '::error::PWNED%0A::warning::PWNED\n::stop-commands::x\n\u001b[31mPWNED\u001b[0m';
const SAN = 'https://github.com/sigstore/sigstore-js/.github/workflows/publish.yml@refs/tags/v1.0.0';
const GITHUB_SECRET = 'ghs_VerifyHostileCanary7310';
let github: GitHubApiDouble;
const TGZ = 'pkg/sigstore-1.0.0.tgz';

// Preloaded into the action: records the real path of every file it opens.
const GUARD = writeFsGuard(tmp);

interface Workspace {
  dir: string;
  write(name: string, content: string | Buffer): void;
}

function workspace(): Workspace {
  const dir = mkdtempSync(path.join(tmp, 'ws-'));
  cpSync(path.dirname(fixturePath('provenance/sigstore@1.0.0/expected.json')), path.join(dir, 'pkg'), {
    recursive: true,
  });
  cpSync(fixturePath('provenance/gundam-visor@1.0.1/negative'), path.join(dir, 'negative'), { recursive: true });
  cpSync(fixturePath('provenance/trusted_root.json'), path.join(dir, 'trusted_root.json'));
  cpSync(fixturePath('provenance/npm_registry_keys.json'), path.join(dir, 'npm_keys.json'));
  return {
    dir,
    write(name, content) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    },
  };
}

/** The real npm attestations document of sigstore@1.0.0, changed by `edit`. */
function attestations(
  edit: (doc: {
    attestations: {
      predicateType: string;
      bundle: Record<string, unknown> & { dsseEnvelope: { payload: string; payloadType: string; signatures: unknown } };
    }[];
  }) => void,
): string {
  const doc = JSON.parse(readFileSync(fixturePath('provenance/sigstore@1.0.0/attestations.json'), 'utf8'));
  edit(doc);
  return JSON.stringify(doc);
}

function withPayload(
  payload: string,
  edit: (statement: Record<string, unknown> & { subject: { name: string; digest: Record<string, string> }[] }) => void,
): string {
  const statement = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
  edit(statement);
  return Buffer.from(JSON.stringify(statement)).toString('base64');
}

/** Verifies the fixture package against its real provenance, pinned to its signer. */
const base = (extra: Record<string, string> = {}): Record<string, string> => ({
  artifacts: TGZ,
  bundles: 'pkg/attestations.json',
  'trusted-root': 'trusted_root.json',
  'public-keys': 'npm_keys.json',
  'certificate-identity': SAN,
  ...extra,
});

const deep = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const EARLY_OUTPUTS = { status: 'failed', verified: '0', failed: '0' };

interface Case {
  name: string;
  /** The issue #20 row this case reproduces; held probes have none. */
  row?: number;
  arrange?: (ws: Workspace) => void;
  inputs: (ws: Workspace) => Record<string, string>;
  exit: 0 | 1;
  /** Every error annotation, in order (a string is matched exactly). */
  errors: (string | RegExp)[];
  warnings?: (string | RegExp)[];
  outputs?: Record<string, string | RegExp>;
  /** Values that must appear nowhere but in ::add-mask:: lines. */
  secrets?: string[];
  then?: (r: RunResult, ws: Workspace) => void;
  /** Point GITHUB_API_URL at the API double, with GITHUB_TOKEN (the github-token default) set. */
  api?: boolean;
  env?: Record<string, string>;
  /** Refused before any request to GitHub. */
  noRequest?: boolean;
}

/** sha256 of the fixture package, as GitHub names a subject digest. */
function tgzDigest(): string {
  return `sha256:${createHash('sha256')
    .update(
      readFileSync(
        path.join(path.dirname(fixturePath('provenance/sigstore@1.0.0/expected.json')), 'sigstore-1.0.0.tgz'),
      ),
    )
    .digest('hex')}`;
}

/** The fixture's SLSA provenance bundle (as GitHub would hold it), changed by `edit`. */
function provenanceBundle(edit: (b: Record<string, unknown>) => void = () => undefined): Record<string, unknown> {
  const doc = JSON.parse(readFileSync(fixturePath('provenance/sigstore@1.0.0/attestations.json'), 'utf8')) as {
    attestations: { predicateType: string; bundle: Record<string, unknown> }[];
  };
  const bundle = doc.attestations.find((a) => a.predicateType.startsWith('https://slsa.dev/provenance/'))?.bundle ?? {};
  edit(bundle);
  return bundle;
}

/** Seeds the API double with attestations of sigstore/sigstore-js for the fixture package. */
function seed(...bundles: (Record<string, unknown> | undefined)[]): void {
  for (const bundle of bundles) {
    github.state.attestations.push({
      id: github.state.id(),
      owner: 'sigstore',
      repo: 'sigstore-js',
      repositoryId: 1,
      bundle: bundle as Record<string, unknown>,
      digests: [tgzDigest()],
      predicateType: undefined,
    });
  }
}

/** Verifies the fixture package with its attestations fetched from the API double. */
const fromApi = (extra: Record<string, string> = {}): Record<string, string> => ({
  artifacts: TGZ,
  repository: 'sigstore/sigstore-js',
  'trusted-root': 'trusted_root.json',
  ...extra,
});

const gateLine = (n: number, total: number, names: string): string =>
  `verify-provenance: ${n} of ${total} artifact(s) failed verification: ${names}`;

const CASES: Case[] = [
  // Row 2: no identity constraint.
  {
    name: 'row 2: artifacts + trusted-root and no identity constraint is an input error before anything is verified',
    row: 2,
    inputs: () => ({
      artifacts: TGZ,
      bundles: 'pkg/attestations.json',
      'trusted-root': 'trusted_root.json',
      'public-keys': 'npm_keys.json',
    }),
    exit: 1,
    errors: [
      "verify-provenance: Input 'source-repository': no signer identity is required: give source-repository, signer-workflow, certificate-identity or certificate-identity-regexp (as cosign and gh attestation verify require), or set allow-any-identity: true to accept a valid signature by anyone",
    ],
    outputs: EARLY_OUTPUTS,
    then: (r) => {
      expect(r.stdout).not.toContain('verified');
      expect(r.summary).toBe('');
    },
  },
  {
    name: 'row 2: allow-any-identity: true verifies, with a warning that says what it gives up',
    row: 2,
    inputs: () => ({
      artifacts: TGZ,
      bundles: 'pkg/attestations.json',
      'trusted-root': 'trusted_root.json',
      'public-keys': 'npm_keys.json',
      'allow-any-identity': 'true',
    }),
    exit: 0,
    errors: [],
    warnings: [
      'allow-any-identity: true: any valid signature verifies, whoever made it (no source repository, signer workflow or certificate identity is checked)',
    ],
    outputs: { status: 'passed', verified: '1', failed: '0' },
  },
  {
    name: 'row 2: allow-any-identity that is not a boolean is an input error',
    row: 2,
    inputs: () => base({ 'allow-any-identity': 'yes please' }),
    exit: 1,
    errors: [/^verify-provenance: Input 'allow-any-identity': /],
    outputs: EARLY_OUTPUTS,
  },
  {
    name: 'row 2: a pinned source repository is an identity constraint (no warning)',
    row: 2,
    inputs: () => ({
      artifacts: TGZ,
      bundles: 'pkg/attestations.json',
      'trusted-root': 'trusted_root.json',
      'public-keys': 'npm_keys.json',
      'source-repository': 'sigstore/sigstore-js',
    }),
    exit: 0,
    errors: [],
    warnings: [],
    outputs: { status: 'passed', verified: '1' },
  },
  // Row 11: the failed check named exactly; outputs always set.
  {
    name: 'row 11: a changed DSSE payloadType fails the payload-type check, not the subject digest',
    row: 11,
    arrange: (ws) =>
      ws.write(
        'att.json',
        attestations((d) => (d.attestations[0]!.bundle.dsseEnvelope.payloadType = 'application/json')),
      ),
    inputs: () => base({ bundles: 'att.json' }),
    exit: 1,
    errors: [
      `${TGZ}: payload-type failed in att.json#attestations[0]: expected application/vnd.in-toto+json, found application/json`,
      gateLine(1, 1, TGZ),
    ],
    outputs: { status: 'failed', verified: '0', failed: '1' },
  },
  {
    name: 'row 11: a malformed bundle with fail-on-error: false is a reported failure, exit 0, outputs set',
    row: 11,
    arrange: (ws) => ws.write('bad.json', '{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1"}'),
    inputs: () => base({ bundles: 'bad.json', 'fail-on-error': 'false', 'json-file': 'report.json' }),
    exit: 0,
    errors: [
      /^pkg\/sigstore-1\.0\.0\.tgz: bundle failed in bad\.json: expected a Sigstore bundle, JSON lines of bundles or an npm attestations document, found bad\.json: malformed Sigstore bundle: .+$/,
    ],
    then: (r, ws) => {
      expect(r.outputs).toEqual({
        status: 'failed',
        verified: '0',
        failed: '1',
        'json-file': path.join(ws.dir, 'report.json'),
      });
      const report = JSON.parse(readFileSync(path.join(ws.dir, 'report.json'), 'utf8')) as {
        status: string;
        artifacts: { verdict: string; failures: { check: string }[] }[];
      };
      expect(report.status).toBe('failed');
      expect(report.artifacts[0]?.failures.map((f) => f.check)).toEqual(['bundle']);
    },
  },
  {
    name: 'row 11: a malformed bundle with fail-on-error: true fails the step, outputs still set',
    row: 11,
    arrange: (ws) => ws.write('bad.json', '{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1"}'),
    inputs: () => base({ bundles: 'bad.json', 'json-file': 'report.json' }),
    exit: 1,
    errors: [
      /^pkg\/sigstore-1\.0\.0\.tgz: bundle failed in bad\.json: .*malformed Sigstore bundle/,
      gateLine(1, 1, TGZ),
    ],
    outputs: { status: 'failed', verified: '0', failed: '1', 'json-file': /report\.json$/ },
  },
  {
    name: 'row 11: bundles without artifacts: an unreadable bundle file is its own failed entry',
    row: 11,
    arrange: (ws) => ws.write('bad.json', '{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1"}'),
    inputs: () => base({ artifacts: '', bundles: 'bad.json\npkg/provenance.sigstore.json', 'fail-on-error': 'false' }),
    exit: 0,
    errors: [
      /^bad\.json: bundle failed in bad\.json: expected a Sigstore bundle, JSON lines of bundles or an npm attestations document, found bad\.json: malformed Sigstore bundle: /,
    ],
    outputs: { status: 'failed', verified: '1', failed: '1' },
    then: (r) => expect(r.stdout).toContain('✓ pkg:npm/sigstore@1.0.0: verified (https://slsa.dev/provenance/v0.2'),
  },
  {
    name: 'row 11: an input error still sets every output and writes the report',
    row: 11,
    inputs: () => base({ 'source-ref': 'v1.0.0', 'json-file': 'report.json' }),
    exit: 1,
    errors: [
      'verify-provenance: Input \'source-ref\': "v1.0.0" is not a full ref (refs/tags/v1.2.3, refs/heads/main, or a glob such as refs/tags/v*)',
    ],
    then: (r, ws) => {
      expect(r.outputs).toEqual({ ...EARLY_OUTPUTS, 'json-file': path.join(ws.dir, 'report.json') });
      expect(JSON.parse(readFileSync(path.join(ws.dir, 'report.json'), 'utf8'))).toEqual({
        status: 'failed',
        error:
          'Input \'source-ref\': "v1.0.0" is not a full ref (refs/tags/v1.2.3, refs/heads/main, or a glob such as refs/tags/v*)',
        artifacts: [],
      });
    },
  },
  {
    name: 'row 11: no bundle next to the artifact is a reported failure of that artifact',
    row: 11,
    inputs: () => base({ bundles: '', 'fail-on-error': 'false' }),
    exit: 0,
    errors: [
      `${TGZ}: bundle failed: expected sigstore-1.0.0.tgz.sigstore.json next to it (or set bundles), found no such file`,
    ],
    outputs: { status: 'failed', verified: '0', failed: '1' },
  },
  // Held: tampered bundles.
  {
    name: 'a bundle with a changed provenance payload fails its signature',
    arrange: (ws) =>
      ws.write(
        'att.json',
        attestations((d) => {
          const env = d.attestations[0]!.bundle.dsseEnvelope;
          env.payload = withPayload(
            env.payload,
            (s) => ((s['predicate'] as { builder: { id: string } }).builder.id = 'https://github.com/evil/builder'),
          );
        }),
      ),
    inputs: () => base({ bundles: 'att.json' }),
    exit: 1,
    errors: [
      /^pkg\/sigstore-1\.0\.0\.tgz: signature failed in att\.json#attestations\[0\]: expected a valid Sigstore signature .*found \w+_ERROR: /,
      gateLine(1, 1, TGZ),
    ],
  },
  {
    name: "slsa-verifier's invalidsigprov (real tampered provenance) fails its signature",
    inputs: () => ({
      ...base(),
      artifacts: 'pkg/sigstore-1.0.0.tgz',
      bundles: 'negative/invalidsigprov.attestations.json',
    }),
    exit: 1,
    errors: [
      /^pkg\/sigstore-1\.0\.0\.tgz: subject-digest failed: expected a bundle whose subject is sha256:[0-9a-f]{64} \/ sha512:[0-9a-f]{128}, found subjects pkg:npm\/gundam-visor@1\.0\.1 sha512:/,
      gateLine(1, 1, TGZ),
    ],
  },
  {
    name: 'a signature copied from another bundle fails',
    arrange: (ws) =>
      ws.write(
        'att.json',
        attestations((d) => {
          const other = JSON.parse(
            readFileSync(fixturePath('provenance/gundam-visor@1.0.1/attestations.json'), 'utf8'),
          ) as { attestations: { bundle: { dsseEnvelope: { signatures: unknown } } }[] };
          d.attestations[0]!.bundle.dsseEnvelope.signatures = other.attestations[0]!.bundle.dsseEnvelope.signatures;
        }),
      ),
    inputs: () => base({ bundles: 'att.json' }),
    exit: 1,
    errors: [/^pkg\/sigstore-1\.0\.0\.tgz: signature failed in att\.json#attestations\[0\]: /, gateLine(1, 1, TGZ)],
  },
  // Held: injection strings in every field that reaches the log, an annotation, the summary or an output.
  {
    name: 'injection in identity inputs is echoed neutralised in the failure',
    inputs: () => base({ 'certificate-identity': `https://x/${INJECT}` }),
    exit: 1,
    errors: [
      /^pkg\/sigstore-1\.0\.0\.tgz: certificate-identity failed in pkg\/attestations\.json#attestations\[0\]: expected https:\/\/x\/:\u200b:error:\u200b:PWNED/,
      gateLine(1, 1, TGZ),
    ],
  },
  {
    name: 'injection in a subject name of an unverified statement (shown in the subject-digest failure)',
    arrange: (ws) =>
      ws.write(
        'att.json',
        attestations((d) => {
          for (const a of d.attestations) {
            a.bundle.dsseEnvelope.payload = withPayload(
              a.bundle.dsseEnvelope.payload,
              (s) => (s.subject = [{ name: INJECT, digest: { sha512: 'ab'.repeat(64) } }]),
            );
          }
        }),
      ),
    inputs: () => base({ bundles: 'att.json' }),
    exit: 1,
    errors: [
      /^pkg\/sigstore-1\.0\.0\.tgz: subject-digest failed: expected .* found subjects :\u200b:error:\u200b:PWNED/,
      gateLine(1, 1, TGZ),
    ],
  },
  {
    name: 'injection in an artifact file name (log, annotation, summary, report)',
    arrange: (ws) =>
      ws.write(
        '::warning::PWNED<img src=x onerror=alert(1)>.tgz',
        readFileSync(fixturePath('provenance/sigstore@1.0.0/sigstore-1.0.0.tgz')),
      ),
    inputs: () => base({ artifacts: '*PWNED*.tgz' }),
    exit: 0,
    errors: [],
    outputs: { status: 'passed', verified: '1' },
    then: (r) => {
      expect(r.summary).not.toContain('<img');
      expect(r.stdout).toContain(':\u200b:warning:\u200b:PWNED');
    },
  },
  {
    name: 'injection in a malformed bundle (mediaType) is not echoed',
    arrange: (ws) =>
      ws.write('bad.json', JSON.stringify({ mediaType: `application/vnd.dev.sigstore.bundle${INJECT}` })),
    inputs: () => base({ bundles: 'bad.json' }),
    exit: 1,
    errors: [
      `${TGZ}: bundle failed in bad.json: expected a Sigstore bundle, JSON lines of bundles or an npm attestations document, found bad.json: malformed Sigstore bundle: invalid bundle (mediaType, content, verificationMaterial)`,
      gateLine(1, 1, TGZ),
    ],
  },
  {
    name: 'injection in predicate-type is an input error echoed neutralised',
    inputs: () => base({ 'predicate-type': INJECT }),
    exit: 1,
    errors: [
      /^verify-provenance: Input 'predicate-type': ".*:\u200b:error:\u200b:PWNED.*" is not slsa-provenance, any, or a predicate type URI$/s,
    ],
    outputs: EARLY_OUTPUTS,
  },
  // Held: traversal and links out of the workspace, in every path input and every path in a file.
  ...(['artifacts', 'bundles', 'trusted-root', 'public-keys', 'json-file'] as const).flatMap((input): Case[] => [
    {
      name: `${input}: ../ out of the workspace is refused`,
      inputs: () => base({ [input]: '../outside/secret.json' }),
      exit: 1,
      errors: [
        new RegExp(
          `^verify-provenance: Input '${input}': path '\\.\\./outside/secret\\.json' is outside the workspace /`,
        ),
      ],
      outputs: { status: 'failed', verified: '0', failed: '0' },
    },
    {
      name: `${input}: an absolute path elsewhere is refused`,
      inputs: () => base({ [input]: path.join(OUTSIDE, 'secret.json') }),
      exit: 1,
      errors: [
        new RegExp(
          `^verify-provenance: Input '${input}': path '${OUTSIDE.replace(/[.]/g, '\\.')}/secret\\.json' is outside the workspace /`,
        ),
      ],
    },
    {
      name: `${input}: a symlink leading out of the workspace is refused`,
      arrange: (ws) => symlinkSync(path.join(OUTSIDE, 'secret.json'), path.join(ws.dir, 'link.json')),
      inputs: () => base({ [input]: 'link.json' }),
      exit: 1,
      errors: [`verify-provenance: Input '${input}': path 'link.json' leads through a symlink outside the workspace`],
    },
  ]),
  {
    name: 'a glob through a symlinked folder out of the workspace matches nothing outside',
    arrange: (ws) => symlinkSync(OUTSIDE, path.join(ws.dir, 'linkdir')),
    inputs: () => base({ bundles: 'linkdir/*.json' }),
    exit: 1,
    errors: [/^verify-provenance: Input 'bundles': pattern 'linkdir\/\*\.json' reaches outside the workspace \/.+$/],
  },
  {
    name: 'json-file holding a line break is refused (it is written to an output)',
    inputs: () => base({ 'json-file': `r.json\n::warning::PWNED` }),
    exit: 1,
    errors: ["verify-provenance: Input 'json-file': holds a line break; a path written to an output must be one line"],
    outputs: { ...EARLY_OUTPUTS, 'json-file': '' },
  },
  // Held: truncated, empty, binary, deep, huge and duplicate-key documents.
  ...(
    [
      ['truncated', (t: string) => t.slice(0, 200), /found doc\.json:\d+:\d+: invalid JSON: .+$/],
      [
        'empty',
        () => ' \n',
        /found doc\.json: is empty \(expected a Sigstore bundle or an npm attestations document\)$/,
      ],
      ['binary', () => '\u0000\u0001\u00ff\u00fe PK\u0003\u0004', /found doc\.json:1:1: invalid JSON: .+$/],
      [
        'deeply nested',
        () => `{"attestations":${deep(50_000)}}`,
        /found doc\.json:1:272: nests deeper than 256 levels$/,
      ],
    ] as const
  ).map(([what, make, found]): Case => ({
    name: `a ${what} bundle document is a reported bundle failure`,
    arrange: (ws) =>
      ws.write('doc.json', make(readFileSync(fixturePath('provenance/sigstore@1.0.0/attestations.json'), 'utf8'))),
    inputs: () => base({ bundles: 'doc.json', 'fail-on-error': 'false' }),
    exit: 0,
    errors: [
      new RegExp(
        `^pkg/sigstore-1\\.0\\.0\\.tgz: bundle failed in doc\\.json: expected a Sigstore bundle, JSON lines of bundles or an npm attestations document, ${found.source}`,
      ),
    ],
    outputs: { status: 'failed', verified: '0', failed: '1' },
  })),
  {
    name: 'a huge bundle document is refused by size before it is read',
    arrange: (ws) => {
      ws.write('huge.json', '');
      truncateSync(path.join(ws.dir, 'huge.json'), 40 * 1024 * 1024);
    },
    inputs: () => base({ bundles: 'huge.json', 'fail-on-error': 'false' }),
    exit: 0,
    errors: [
      'pkg/sigstore-1.0.0.tgz: bundle failed in huge.json: expected a Sigstore bundle, JSON lines of bundles or an npm attestations document, found huge.json: is 40.0 MiB, over the limit of 32.0 MiB',
    ],
    outputs: { status: 'failed', failed: '1' },
  },
  {
    name: 'a duplicate payloadType key: the value verified is the value checked (last wins, signature fails)',
    arrange: (ws) => {
      const text = readFileSync(fixturePath('provenance/sigstore@1.0.0/attestations.json'), 'utf8');
      ws.write(
        'dup.json',
        text.replace(
          '"payloadType": "application/vnd.in-toto+json"',
          '"payloadType": "application/vnd.in-toto+json", "payloadType": "text/plain"',
        ),
      );
    },
    inputs: () => base({ bundles: 'dup.json' }),
    exit: 1,
    errors: [
      `${TGZ}: payload-type failed in dup.json#attestations[0]: expected application/vnd.in-toto+json, found text/plain`,
      gateLine(1, 1, TGZ),
    ],
  },
  {
    name: 'a deeply nested trusted root names the file and position',
    arrange: (ws) => ws.write('tr.json', `{"x":${deep(50_000)}}`),
    inputs: () => base({ 'trusted-root': 'tr.json' }),
    exit: 1,
    errors: ['verify-provenance: tr.json:1:261: nests deeper than 256 levels'],
    outputs: EARLY_OUTPUTS,
  },
  {
    name: 'a binary trusted root is a file error',
    arrange: (ws) => ws.write('tr.json', Buffer.from([0, 1, 2, 0xff, 0xfe])),
    inputs: () => base({ 'trusted-root': 'tr.json' }),
    exit: 1,
    errors: [/^verify-provenance: tr\.json:1:1: invalid JSON: /],
  },
  {
    name: 'an empty public-keys file is a file error',
    arrange: (ws) => ws.write('keys.pem', ''),
    inputs: () => base({ 'public-keys': 'keys.pem' }),
    exit: 1,
    errors: [/^verify-provenance: keys\.pem: /],
  },
  // Held: invalid enums and booleans (this action has no numeric input).
  ...(
    [
      ['fail-on-error', 'NaN'],
      ['require-tlog', '-1'],
      ['predicate-type', 'slsa'],
      ['source-digest', 'Infinity'],
    ] as const
  ).map(([input, value]): Case => ({
    name: `${input}: ${value} is an input error`,
    inputs: () => base({ [input]: value }),
    exit: 1,
    errors: [new RegExp(`^verify-provenance: Input '${input}': `)],
    outputs: EARLY_OUTPUTS,
  })),
  // Held: the GitHub attestations inputs (issue #23): owner, repository, github-token, runner-environment.
  ...(
    [
      ['repository', INJECT],
      ['repository', '../..'],
      ['repository', 'sigstore/..'],
      ['repository', 'sigstore/sigstore-js/../x'],
      ['owner', INJECT],
      ['owner', 'a/b'],
      ['runner-environment', 'github'],
      ['runner-environment', 'NaN'],
    ] as const
  ).map(([input, value]): Case => ({
    name: `${input}: ${JSON.stringify(value).slice(0, 40)} is an input error, before any request`,
    inputs: () => fromApi({ repository: '', [input]: value, 'source-repository': 'sigstore/sigstore-js' }),
    api: true,
    exit: 1,
    errors: [
      new RegExp(
        `^verify-provenance: Input '${input}': [^\n]*(is not owner/name|is not a GitHub user or organization name|is not one of github-hosted, self-hosted, any)$`,
      ),
    ],
    outputs: EARLY_OUTPUTS,
    noRequest: true,
  })),
  {
    name: 'repository without a token is refused before any request',
    inputs: () => fromApi(),
    exit: 1,
    errors: [
      "verify-provenance: Input 'github-token': is empty; fetching attestations from GitHub needs a token that can read the repository",
    ],
    outputs: EARLY_OUTPUTS,
    noRequest: true,
  },
  {
    name: 'repository with bundles only (no digest to look up) is refused',
    inputs: () => ({
      bundles: 'pkg/attestations.json',
      repository: 'sigstore/sigstore-js',
      'trusted-root': 'trusted_root.json',
    }),
    api: true,
    exit: 1,
    errors: ["verify-provenance: Input 'repository': fetches attestations by artifact digest: give artifacts or image"],
    outputs: EARLY_OUTPUTS,
    noRequest: true,
  },
  {
    name: 'the real provenance fetched through the API verifies offline with runner-environment: any',
    arrange: () => seed(provenanceBundle()),
    inputs: () => fromApi({ 'runner-environment': 'any' }),
    api: true,
    exit: 0,
    errors: [],
    outputs: { status: 'passed', verified: '1', failed: '0' },
    secrets: [GITHUB_SECRET],
  },
  {
    name: 'a certificate without the runner-environment extension (2023, before Fulcio had it) fails the github-hosted default',
    arrange: () => seed(provenanceBundle()),
    inputs: () => fromApi(),
    api: true,
    exit: 1,
    errors: [
      `pkg/sigstore-1.0.0.tgz: runner-environment failed in GitHub attestations of sigstore/sigstore-js for ${tgzDigest()} #1: expected github-hosted, found (absent)`,
      gateLine(1, 1, 'pkg/sigstore-1.0.0.tgz'),
    ],
    outputs: { status: 'failed', verified: '0', failed: '1' },
    secrets: [GITHUB_SECRET],
  },
  {
    name: 'a bundle from the API with an injected media type fails that artifact, neutralised',
    arrange: () => seed(provenanceBundle((b) => (b['mediaType'] = INJECT))),
    inputs: () => fromApi({ 'runner-environment': 'any' }),
    api: true,
    exit: 1,
    errors: [
      /^pkg\/sigstore-1\.0\.0\.tgz: bundle failed in GitHub attestations of sigstore\/sigstore-js for sha256:[0-9a-f]{64} #\d+: expected a Sigstore bundle, found .*not a Sigstore bundle/,
      /^verify-provenance: 1 of 1 artifact\(s\) failed verification/,
    ],
    outputs: { status: 'failed' },
  },
  {
    name: 'a 400-level deep bundle from the API is refused at the depth limit',
    arrange: () =>
      seed(provenanceBundle((b) => (b['verificationMaterial'] = { certificate: JSON.parse(deep(400)) as unknown }))),
    inputs: () => fromApi(),
    api: true,
    exit: 1,
    errors: [
      /^pkg\/sigstore-1\.0\.0\.tgz: bundle failed in GitHub attestations of sigstore\/sigstore-js for sha256:[0-9a-f]{64} #\d+: expected a Sigstore bundle, found .*nests deeper than 256 levels$/,
      /^verify-provenance: 1 of 1 artifact\(s\) failed verification/,
    ],
    outputs: { status: 'failed' },
  },
  {
    name: 'an attestation with only a bundle_url fails with the reason',
    arrange: () => seed(undefined),
    inputs: () => fromApi(),
    api: true,
    exit: 1,
    errors: [
      /^pkg\/sigstore-1\.0\.0\.tgz: bundle failed in GitHub attestations of sigstore\/sigstore-js for sha256:[0-9a-f]{64} #\d+: expected an inline Sigstore bundle, found only a bundle_url$/,
      /^verify-provenance: 1 of 1 artifact\(s\) failed verification/,
    ],
    outputs: { status: 'failed' },
  },
  {
    name: "GitHub's refusal with injected text and the token: one error naming the permission, the token never shown",
    arrange: () => github.fail('repos/list-attestations', 403, `${INJECT} ${GITHUB_SECRET}`, 1),
    inputs: () => fromApi(),
    api: true,
    exit: 1,
    errors: [
      /^verify-provenance: GitHub attestations of sigstore\/sigstore-js for sha256:[0-9a-f]{64}: GitHub answered HTTP 403 \(.*\): the token needs read access to the repository \(`permissions: attestations: read`, `contents: read`\)$/,
    ],
    outputs: EARLY_OUTPUTS,
    secrets: [GITHUB_SECRET],
  },
  {
    name: 'an unreachable API is one error, the token never shown',
    inputs: () => fromApi(),
    env: { GITHUB_API_URL: 'http://127.0.0.1:9', GITHUB_TOKEN: GITHUB_SECRET },
    exit: 1,
    errors: [
      /^verify-provenance: GitHub attestations of sigstore\/sigstore-js for sha256:[0-9a-f]{64}: GitHub could not be reached \(.+\)$/,
    ],
    outputs: EARLY_OUTPUTS,
    secrets: [GITHUB_SECRET],
  },
  // Held: secrets on error paths.
  {
    name: 'a registry password (a PEM key) never appears when the registry cannot be reached',
    inputs: () => ({
      image: `127.0.0.1:9/spikeformer/api@sha256:${'0'.repeat(64)}`,
      'trusted-root': 'trusted_root.json',
      'source-repository': 'spikeformer/kit',
      'registry-username': 'ci',
      'registry-password': `${SECRET}\n${PEM_SECRET}`,
    }),
    exit: 1,
    errors: [
      /^verify-provenance: GET http:\/\/127\.0\.0\.1:9\/v2\/spikeformer\/api\/referrers\/sha256:0{64} failed after 3 attempt\(s\): ECONNREFUSED$/,
    ],
    secrets: [SECRET, ...PEM_SECRET.split('\n').filter((l) => !l.startsWith('-----'))],
  },
];

function lines(r: RunResult): string {
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
  for (const line of lines(r).split('\n'))
    if (/^\s*::/.test(line)) expect(line).toMatch(/^::(error|warning|notice|group|endgroup|debug)( [^:]*)?::/);
  const report =
    r.outputs['json-file'] && existsSync(r.outputs['json-file']) ? readFileSync(r.outputs['json-file'], 'utf8') : '';
  const everywhere = [lines(r), r.summary, JSON.stringify(r.outputs), report].join('\n');
  for (const s of [OUTSIDE_CANARY, ...(c.secrets ?? [])]) expect(everywhere).not.toContain(s);
  for (const v of Object.values(r.outputs)) expect(v).not.toMatch(/[\r\n\u2028\u2029]/);
  expect(opened.filter((f) => f.startsWith(realpathSync(OUTSIDE)))).toEqual([]);
}

beforeAll(async () => {
  ensureBundled(ACTION);
  github = new GitHubApiDouble();
  await github.start();
  mkdirSync(OUTSIDE, { recursive: true });
  writeFileSync(path.join(OUTSIDE, 'secret.json'), JSON.stringify({ note: OUTSIDE_CANARY }));
  writeFileSync(path.join(OUTSIDE, 'bundle.json'), JSON.stringify({ note: OUTSIDE_CANARY }));
}, 240_000);

afterAll(async () => {
  /* eslint-disable @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed */
  await github?.close();
  github?.assertNoViolations();
  /* eslint-enable @typescript-eslint/no-unnecessary-condition */
});

describe(`verify-provenance hostile input (${CASES.length} cases)`, { timeout: 60_000 }, () => {
  it.each(CASES.map((c) => [c.row ? `row ${c.row}` : 'held', c.name, c] as const))(
    '[%s] %s',
    async (_kind, _name, c) => {
      const ws = workspace();
      c.arrange?.(ws);
      const guardLog = path.join(mkdtempSync(path.join(tmp, 'guard-')), 'opened.log');
      writeFileSync(guardLog, '');
      const api: Record<string, string> = c.api ? { GITHUB_API_URL: github.url, GITHUB_TOKEN: GITHUB_SECRET } : {};
      const requestsBefore = github.requests.length;
      const r = await runBundledAction(ACTION, {
        workspace: ws.dir,
        inputs: c.inputs(ws),
        env: { ...api, ...c.env, NODE_OPTIONS: `--import=${GUARD}`, FS_GUARD_LOG: guardLog },
      });
      // Each case starts with an empty store: a case's attestations are its own.
      github.state.attestations.length = 0;
      if (c.noRequest) expect(github.requests.length).toBe(requestsBefore);
      const errors = r.annotations.filter((a) => a.level === 'error').map((a) => a.message);
      expect(errors).toHaveLength(c.errors.length);
      c.errors.forEach((e, i) => (typeof e === 'string' ? expect(errors[i]).toBe(e) : expect(errors[i]).toMatch(e)));
      if (c.warnings) {
        const warnings = r.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
        expect(warnings).toHaveLength(c.warnings.length);
        c.warnings.forEach((w, i) =>
          typeof w === 'string' ? expect(warnings[i]).toBe(w) : expect(warnings[i]).toMatch(w),
        );
      }
      expect(r.exitCode).toBe(c.exit);
      for (const [k, v] of Object.entries(c.outputs ?? {})) {
        if (typeof v === 'string') expect(r.outputs[k]).toBe(v);
        else expect(r.outputs[k]).toMatch(v);
      }
      for (const k of ['status', 'verified', 'failed', 'json-file']) expect(r.outputs).toHaveProperty(k);
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

  it('the file guard sees what the action reads (the trusted root in the workspace)', async () => {
    const ws = workspace();
    const guardLog = path.join(mkdtempSync(path.join(tmp, 'guard-')), 'opened.log');
    writeFileSync(guardLog, '');
    const r = await runBundledAction(ACTION, {
      workspace: ws.dir,
      inputs: base(),
      env: { NODE_OPTIONS: `--import=${GUARD}`, FS_GUARD_LOG: guardLog },
    });
    expect(r.exitCode).toBe(0);
    expect(readFileSync(guardLog, 'utf8').split('\n')).toContain(path.join(ws.dir, 'trusted_root.json'));
  });
});
