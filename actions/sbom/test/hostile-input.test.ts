import { createHash } from 'node:crypto';
import { existsSync, readFileSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { ensureBundled, GitHubApiDouble, runBundledAction, type RunResult } from '@spikeformer-actions/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectValidCycloneDx, expectValidCycloneDxXml } from './helpers.js';
import {
  expectClean,
  expectRefused,
  makeWorkspace,
  OUTSIDE_CANARY,
  outsideDir,
  type WorkspaceSpec,
} from '@spikeformer-actions/testing/hostile';

/** Untrusted text on one line (lockfile and policy values are single-line fields). */
const INJECTION = '::error::INJECTED%0A::warning::INJECTED ::stop-commands::tok ##[error]INJECTED\u001b[31mRED';

/**
 * The hostile-input suite (issue #20): the bundled action, run as the runner runs it, on inputs
 * and lockfiles an author of a pull request controls. Every case asserts the exit code, the one
 * error line, and that no stack, secret, outside file or foreign workflow command shows.
 */

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

const ACTION = 'actions/sbom';
// Outside the workspace: manifests and lockfiles whose package name is the canary.
const OUTSIDE = outsideDir({
  'package.json': JSON.stringify({ name: OUTSIDE_CANARY, version: '6.6.6' }),
  'requirements.txt': `${OUTSIDE_CANARY.toLowerCase()}==6.6.6\n`,
  'pkg/package.json': JSON.stringify({ name: OUTSIDE_CANARY, version: '6.6.6' }),
});

const INTEGRITY = `sha512-${createHash('sha512').update('left-pad').digest('base64')}`;
const SHA256 = createHash('sha256').update('six').digest('hex');

function npmLock(
  packages: Record<string, unknown>,
  root: Record<string, unknown> = { name: 'app', version: '1.0.0', dependencies: { 'left-pad': '^1.3.0' } },
): string {
  return JSON.stringify(
    { name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': root, ...packages } },
    null,
    2,
  );
}

function leftPad(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'node_modules/left-pad': {
      version: '1.3.0',
      resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz',
      integrity: INTEGRITY,
      license: 'WTFPL',
      ...fields,
    },
  };
}

const PNPM_OK = `lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      left-pad:
        specifier: ^1.3.0
        version: 1.3.0

packages:

  left-pad@1.3.0:
    resolution: {integrity: ${INTEGRITY}}

snapshots:

  left-pad@1.3.0: {}
`;

/** Billion laughs: nine levels of nine aliases. */
const ALIAS_BOMB = [
  "lockfileVersion: '9.0'",
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map(
    (c, i) =>
      `${c}: &${c} [${Array(9)
        .fill(`*${'abcdefghi'[i] ?? 'a'}`)
        .join(',')}]`,
  ),
].join('\n');

const SECRETS = {
  indexPassword: 'S3cr3tIndexPassw0rd',
  urlPassword: 'An0therUrlSecret77',
  gitToken: 'ghp_T0kenValue1234567890abcdefABCD',
  errorPassword: 'ErrPathSecret99xyz',
  npmPassword: 'NpmRegistryPw1abc',
  poetryPassword: 'PoetrySourcePw42',
  pipenvPassword: 'PipenvSourcePw43',
  inputToken: 'ghs_HostileInputToken0123456789',
  apiToken: 'ghs_HostileApiToken0123456789abc',
  queryToken: 'QuerySecretValue1xyz',
};
const ALL_SECRETS = Object.values(SECRETS);

interface Case {
  name: string;
  workspace: WorkspaceSpec;
  inputs: Record<string, string>;
  /** The one error line (exact or pattern); absent: the run succeeds. */
  error?: string | RegExp;
  /** Values that must be registered with ::add-mask:: (secrets read from a lockfile). */
  masked?: string[];
  /** Extra checks on the result and the SBOM text (when one was written). */
  check?: (r: RunResult, sbom: string | undefined) => void | Promise<void>;
  /** Changes to the workspace that a file spec cannot express (sparse huge files). */
  prepare?: (ws: string) => void;
  /** Runner variables over the harness's (a hostile workflow name, a missing repository). */
  env?: Record<string, string>;
  /** Faults for the GitHub API double, set before the run. */
  api?: (double: GitHubApiDouble) => void;
  /** Checks on what the GitHub API double received. */
  received?: (double: GitHubApiDouble, r: RunResult) => void;
}

function noUserinfo(sbom: string | undefined): void {
  expect(sbom).toBeDefined();
  for (const s of ALL_SECRETS) expect(sbom).not.toContain(s);
  expect(sbom).not.toMatch(/:\/\/[^\s/"'<>@]*@/);
  expect(sbom).not.toMatch(/%3A%2F%2F[^"&/]*%40/i);
}

const cases: Case[] = [
  // Row 5: credentials in URLs never reach the SBOM, the log or the summary; the secret part is masked.
  {
    name: 'row 5: --index-url with user:password',
    workspace: {
      files: {
        'requirements.txt': `--index-url https://alice:${SECRETS.indexPassword}@pypi.internal.example/simple\nsix==1.16.0 --hash=sha256:${SHA256}\n`,
      },
    },
    inputs: { path: 'requirements.txt' },
    masked: [SECRETS.indexPassword],
    check: (_r, sbom) => {
      noUserinfo(sbom);
      expect(sbom).toContain(`"url": "https://pypi.internal.example/simple/six/#sha256=${SHA256}"`);
      expect(sbom).not.toContain('alice');
    },
  },
  {
    name: 'row 5: name @ URL with user:password',
    workspace: {
      files: { 'requirements.txt': `foo @ https://bob:${SECRETS.urlPassword}@files.example/foo-1.0.tar.gz\n` },
    },
    inputs: { path: 'requirements.txt' },
    masked: [SECRETS.urlPassword],
    check: (_r, sbom) => {
      noUserinfo(sbom);
      expect(sbom).toContain('"purl": "pkg:pypi/foo@1.0?download_url=https%3A%2F%2Ffiles.example%2Ffoo-1.0.tar.gz"');
    },
  },
  {
    name: 'row 5: git+https with a token, unresolved (warning line and summary)',
    workspace: { files: { 'requirements.txt': `git+https://${SECRETS.gitToken}@github.com/org/bar.git#egg=bar\n` } },
    inputs: { path: 'requirements.txt' },
    masked: [SECRETS.gitToken],
    check: (r, sbom) => {
      noUserinfo(sbom);
      expect(r.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
        'requirements.txt: could not resolve bar: no version in git+https://github.com/org/bar.git#egg=bar',
      ]);
      expect(r.summary).toContain('github.com/org/bar.git');
    },
  },
  {
    name: 'row 5: a URL with credentials on an error path',
    workspace: { files: { 'requirements.txt': `https://carol:${SECRETS.errorPassword}@host.example/archive\n` } },
    inputs: { path: 'requirements.txt' },
    masked: [SECRETS.errorPassword],
    error: "sbom: requirements.txt:1: cannot tell the project name of 'https://host.example/archive' (add #egg=<name>)",
  },
  {
    name: 'row 5: an npm resolved URL with credentials (private registry)',
    workspace: {
      files: {
        'package-lock.json': npmLock(
          leftPad({
            resolved: `https://dave:${SECRETS.npmPassword}@npm.internal.example/left-pad/-/left-pad-1.3.0.tgz`,
          }),
        ),
      },
    },
    inputs: { path: 'package-lock.json' },
    masked: [SECRETS.npmPassword],
    check: (_r, sbom) => {
      noUserinfo(sbom);
      expect(sbom).toContain('"purl": "pkg:npm/left-pad@1.3.0?repository_url=https%3A%2F%2Fnpm.internal.example"');
    },
  },
  {
    name: 'row 5: a secret in a URL query (a registry token, a signed URL)',
    workspace: {
      files: {
        'package-lock.json': npmLock(
          leftPad({
            resolved: `https://npm.internal.example/left-pad/-/left-pad-1.3.0.tgz?token=${SECRETS.queryToken}&v=1`,
          }),
        ),
      },
    },
    inputs: { path: 'package-lock.json' },
    masked: [SECRETS.queryToken],
    check: (_r, sbom) => {
      noUserinfo(sbom);
      expect(sbom).toContain('"purl": "pkg:npm/left-pad@1.3.0?repository_url=https%3A%2F%2Fnpm.internal.example"');
    },
  },
  {
    name: 'row 5: a poetry source URL with credentials',
    workspace: {
      files: {
        'poetry.lock': `[[package]]\nname = "six"\nversion = "1.16.0"\ndescription = ""\noptional = false\npython-versions = "*"\nfiles = [{file = "six-1.16.0.tar.gz", hash = "sha256:${SHA256}"}]\n\n[package.source]\ntype = "legacy"\nurl = "https://erin:${SECRETS.poetryPassword}@pypi.internal.example/simple"\nreference = "internal"\n\n[metadata]\nlock-version = "2.0"\npython-versions = "*"\ncontent-hash = "0"\n`,
      },
    },
    inputs: { path: 'poetry.lock' },
    masked: [SECRETS.poetryPassword],
    check: (_r, sbom) => noUserinfo(sbom),
  },
  {
    name: 'row 5: a Pipfile.lock index URL with credentials',
    workspace: {
      files: {
        'Pipfile.lock': JSON.stringify(
          {
            _meta: {
              hash: { sha256: '0' },
              'pipfile-spec': 6,
              requires: {},
              sources: [
                {
                  name: 'internal',
                  url: `https://frank:${SECRETS.pipenvPassword}@pypi.internal.example/simple`,
                  verify_ssl: true,
                },
              ],
            },
            default: { six: { hashes: [`sha256:${SHA256}`], index: 'internal', version: '==1.16.0' } },
            develop: {},
          },
          null,
          4,
        ),
      },
    },
    inputs: { path: 'Pipfile.lock' },
    masked: [SECRETS.pipenvPassword],
    check: (_r, sbom) => noUserinfo(sbom),
  },
  {
    name: 'row 5: an ssh user name is no secret and stays; its password does not',
    workspace: {
      files: {
        'requirements.txt':
          'git+ssh://git@github.com/org/baz.git@v1#egg=baz-1.0\ngit+ssh://git:SshPassw0rdValue@github.com/org/qux.git#egg=qux-2.0\n',
      },
    },
    inputs: { path: 'requirements.txt' },
    masked: ['SshPassw0rdValue'],
    check: (r, sbom) => {
      expect(sbom).toContain('git+ssh://git@github.com/org/baz.git@v1#egg=baz-1.0');
      expect(sbom).toContain('git+ssh://github.com/org/qux.git#egg=qux-2.0');
      expect(`${sbom ?? ''}${r.stdout.replace(/^::add-mask::.*$/gm, '')}`).not.toContain('SshPassw0rdValue');
    },
  },

  // Row 6: characters XML 1.0 cannot hold never reach the XML; what is reported validated validates.
  {
    name: 'row 6: U+0001 in a license, format xml',
    workspace: { files: { 'package-lock.json': npmLock(leftPad({ license: 'MIT\u0001' })) } },
    inputs: { path: 'package-lock.json', format: 'xml' },
    check: (r, sbom) => {
      expect(r.stdout).toContain('(CycloneDX 1.6 xml, validated)');
      expect(sbom).not.toContain('\u0001');
      expect(sbom).toContain('<name>MIT\ufffd</name>');
      expectValidCycloneDxXml(sbom ?? '', '1.6');
    },
  },
  {
    name: 'row 6: every control character, a lone surrogate, U+FFFE and markup in strings, format xml 1.5',
    workspace: {
      files: {
        'package-lock.json': npmLock(
          leftPad({ license: `A\u0000B\u0008C\u000bD\u001fE\ud800F\ufffeG</name><x/>&amp;&#1;&foo;` }),
        ),
      },
    },
    inputs: { path: 'package-lock.json', format: 'xml', 'spec-version': '1.5', 'component-name': 'app\u0002</name>' },
    check: (_r, sbom) => {
      expect(sbom).toContain(
        '<name>A\ufffdB\ufffdC\ufffdD\ufffdE\ufffdF\ufffdG&lt;/name&gt;&lt;x/&gt;&amp;amp;&amp;#1;&amp;foo;</name>',
      );
      expectValidCycloneDxXml(sbom ?? '', '1.5');
    },
  },
  {
    name: 'row 6 (JSON): a control character in a license stays a valid JSON escape',
    workspace: { files: { 'package-lock.json': npmLock(leftPad({ license: 'MIT\u0001' })) } },
    inputs: { path: 'package-lock.json' },
    check: async (_r, sbom) => {
      expect(sbom).toContain('"name": "MIT\ufffd"');
      await expectValidCycloneDx(sbom ?? '');
    },
  },

  // Row 8: a YAML alias bomb is a clear error naming the file.
  {
    name: 'row 8: YAML alias bomb in pnpm-lock.yaml',
    workspace: { files: { 'pnpm-lock.yaml': ALIAS_BOMB } },
    inputs: { path: 'pnpm-lock.yaml' },
    error:
      'sbom: pnpm-lock.yaml: invalid YAML: Excessive alias count indicates a resource exhaustion attack (aliases expand past the limit)',
  },
  {
    name: 'row 8: YAML alias bomb in a yarn berry lock',
    workspace: { files: { 'yarn.lock': `__metadata:\n  version: 8\n${ALIAS_BOMB.split('\n').slice(1).join('\n')}\n` } },
    inputs: { path: 'yarn.lock' },
    error:
      'sbom: yarn.lock: invalid YAML: Excessive alias count indicates a resource exhaustion attack (aliases expand past the limit)',
  },

  // Injection strings in every field that reaches the log or the summary.
  {
    name: 'injection: package name, version and license (npm) in warnings and the summary',
    workspace: {
      files: {
        'package-lock.json': npmLock(
          {
            ...leftPad({ license: INJECTION }),
            [`node_modules/${INJECTION}`]: { version: INJECTION, license: INJECTION },
          },
          { name: 'app', version: '1.0.0', dependencies: { 'left-pad': '^1.3.0', [`missing${INJECTION}`]: '1' } },
        ),
      },
    },
    inputs: { path: 'package-lock.json' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.annotations.filter((a) => a.level === 'warning')).toHaveLength(1);
      expect(r.summary).toContain('INJECTED');
      expect(r.summary).not.toContain('\u001b');
    },
  },
  {
    name: 'injection: a requirements line quoted in the error',
    workspace: { files: { 'requirements.txt': `${INJECTION}\n` } },
    inputs: { path: 'requirements.txt' },
    error:
      /^sbom: requirements\.txt:1: unknown option|^sbom: requirements\.txt:1: '.*INJECTED.*' does not start with a project name$/,
  },
  {
    name: 'injection: a yarn.lock header quoted in the error',
    workspace: { files: { 'yarn.lock': `# yarn lockfile v1\n\n${INJECTION}\n` } },
    inputs: { path: 'yarn.lock' },
    error: /^sbom: yarn\.lock:3: expected an entry header ending in ':', got ".*INJECTED/,
  },
  {
    name: 'injection: component-name and -version inputs',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'component-name': INJECTION, 'component-version': INJECTION },
    check: (r, sbom) => {
      expect(r.exitCode).toBe(0);
      expect(sbom).toContain('INJECTED');
    },
  },
  {
    name: 'injection: a lockfile path with a command in its name',
    workspace: { files: { [`::warning::x/package-lock.json`]: npmLock(leftPad()) } },
    inputs: { path: '.' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain(
        ':\u200b:warning:\u200b:x/package-lock.json: package-lock lockfileVersion 3, 1 packages',
      );
    },
  },

  // Paths: inputs, and paths inside files (includes, importers, sibling manifests).
  {
    name: 'path: .. traversal',
    workspace: { files: {} },
    inputs: { path: '../../etc' },
    error: /^sbom: Input 'path': path '\.\.\/\.\.\/etc' is outside the workspace /,
  },
  {
    name: 'path: absolute path outside',
    workspace: { files: {} },
    inputs: { path: path.join(OUTSIDE, 'requirements.txt') },
    error: /^sbom: Input 'path': path '.*requirements\.txt' is outside the workspace /,
  },
  {
    name: 'path: a symlink out of the workspace',
    workspace: { links: { 'requirements.txt': path.join(OUTSIDE, 'requirements.txt') } },
    inputs: { path: 'requirements.txt' },
    error: "sbom: Input 'path': path 'requirements.txt' leads through a symlink outside the workspace",
  },
  {
    name: 'path: a directory search does not follow a lockfile linked out of the workspace',
    workspace: { links: { 'requirements.txt': path.join(OUTSIDE, 'requirements.txt') } },
    inputs: { path: '.' },
    error: "sbom: Input 'path': no lockfile found under '.'",
  },
  {
    name: 'path: output outside the workspace',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', output: '../sbom.cdx.json' },
    error: /^sbom: Input 'output': path '\.\.\/sbom\.cdx\.json' is outside the workspace /,
  },
  {
    name: 'path: exclude glob outside the workspace',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: '.', exclude: '../**' },
    error: /^sbom: Input 'exclude': path '\.\.\/' is outside the workspace /,
  },
  {
    name: 'path: -r include with ..',
    workspace: { files: { 'requirements.txt': '-r ../../outside.txt\n' } },
    inputs: { path: 'requirements.txt' },
    error: "sbom: requirements.txt:1: include '../../outside.txt' is outside the workspace",
  },
  {
    name: 'path: -c include with an absolute path',
    workspace: { files: { 'requirements.txt': `-c ${path.join(OUTSIDE, 'requirements.txt')}\n` } },
    inputs: { path: 'requirements.txt' },
    error: `sbom: requirements.txt:1: include '${path.join(OUTSIDE, 'requirements.txt')}' is outside the workspace`,
  },
  {
    name: 'path: -r include through a symlink out of the workspace',
    workspace: {
      files: { 'requirements.txt': '-r more.txt\n' },
      links: { 'more.txt': path.join(OUTSIDE, 'requirements.txt') },
    },
    inputs: { path: 'requirements.txt' },
    error: "sbom: requirements.txt:1: include 'more.txt' leads through a symlink outside the workspace",
  },
  {
    name: 'path: -r include through a linked folder out of the workspace',
    workspace: { files: { 'requirements.txt': '-r out/requirements.txt\n' }, links: { out: OUTSIDE } },
    inputs: { path: 'requirements.txt' },
    error: "sbom: requirements.txt:1: include 'out/requirements.txt' leads through a symlink outside the workspace",
  },
  {
    name: 'path: a package.json beside the lock linked out of the workspace',
    workspace: {
      files: {
        'yarn.lock': `# yarn lockfile v1\n\n\nleft-pad@^1.3.0:\n  version "1.3.0"\n  resolved "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz"\n  integrity ${INTEGRITY}\n`,
      },
      links: { 'package.json': path.join(OUTSIDE, 'package.json') },
    },
    inputs: { path: 'yarn.lock' },
    error: 'sbom: package.json: leads through a symlink outside the workspace',
  },
  {
    name: 'path: the package.json naming the subject of several lockfiles linked out of the workspace',
    workspace: {
      files: { 'a/requirements.txt': 'six==1.16.0\n', 'b/requirements.txt': 'seven==1.0\n' },
      links: { 'package.json': path.join(OUTSIDE, 'package.json') },
    },
    inputs: { path: '.' },
    error: 'sbom: package.json: leads through a symlink outside the workspace',
  },
  {
    name: 'path: a pyproject.toml beside requirements.txt linked out of the workspace',
    workspace: {
      files: { 'requirements.txt': 'six==1.16.0\n' },
      links: { 'pyproject.toml': path.join(OUTSIDE, 'package.json') },
    },
    inputs: { path: 'requirements.txt' },
    error: 'sbom: pyproject.toml: leads through a symlink outside the workspace',
  },
  {
    name: 'path: a pnpm importer outside the workspace',
    workspace: {
      files: {
        'pnpm-lock.yaml': PNPM_OK.replace(
          'importers:\n',
          `importers:\n\n  ../../../../../../..${OUTSIDE}/pkg:\n    dependencies: {}\n`,
        ),
      },
    },
    inputs: { path: 'pnpm-lock.yaml' },
    error: /^sbom: pnpm-lock\.yaml:\d+: importer '.*\/pkg' is outside the workspace$/,
  },
  {
    name: 'path: a pnpm importer linked out of the workspace',
    workspace: {
      files: {
        'pnpm-lock.yaml': PNPM_OK.replace('importers:\n', 'importers:\n\n  packages/out:\n    dependencies: {}\n'),
      },
      links: { 'packages/out': path.join(OUTSIDE, 'pkg') },
    },
    inputs: { path: 'pnpm-lock.yaml' },
    error: "sbom: pnpm-lock.yaml:5: importer 'packages/out' leads through a symlink outside the workspace",
  },

  // Truncated, empty, binary, deep, huge and duplicate-key lockfiles.
  {
    name: 'document: truncated package-lock.json',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()).slice(0, 120) } },
    inputs: { path: 'package-lock.json' },
    error: /^sbom: package-lock\.json:\d+:\d+: invalid JSON: /,
  },
  {
    name: 'document: empty package-lock.json',
    workspace: { files: { 'package-lock.json': '' } },
    inputs: { path: 'package-lock.json' },
    error: 'sbom: package-lock.json:1:1: is empty, expected JSON',
  },
  {
    name: 'document: empty pnpm-lock.yaml',
    workspace: { files: { 'pnpm-lock.yaml': '' } },
    inputs: { path: 'pnpm-lock.yaml' },
    error: 'sbom: pnpm-lock.yaml:1: is not a YAML mapping',
  },
  {
    name: 'document: empty requirements.txt is an empty inventory',
    workspace: { files: { 'requirements.txt': '' } },
    inputs: { path: 'requirements.txt' },
    check: (r) => {
      expect(r.exitCode).toBe(0);
      expect(r.outputs['components']).toBe('0');
      expect(r.outputs['dependencies']).toBe('0');
    },
  },
  {
    name: 'document: binary yarn.lock',
    workspace: {
      files: {
        'yarn.lock': Buffer.from([0x00, 0xff, 0xfe, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x0a, 0x3a, 0x3a, 0x65, 0x0a]),
      },
    },
    inputs: { path: 'yarn.lock' },
    error: /^sbom: yarn\.lock:1: expected an entry header ending in ':', got "/,
  },
  {
    name: 'document: binary poetry.lock',
    workspace: { files: { 'poetry.lock': Buffer.from([0x00, 0x01, 0x02, 0xff, 0x0a, 0x3d, 0x3d]) } },
    inputs: { path: 'poetry.lock' },
    error: /^sbom: poetry\.lock:1:\d+: invalid TOML: /,
  },
  {
    name: 'document: JSON nested 100,000 levels',
    workspace: {
      files: { 'package-lock.json': `{"lockfileVersion":3,"packages":${'['.repeat(100_000)}${']'.repeat(100_000)}}` },
    },
    inputs: { path: 'package-lock.json' },
    error: 'sbom: package-lock.json:1:288: nests deeper than 256 levels',
  },
  {
    name: 'document: YAML nested 100,000 levels',
    workspace: {
      files: { 'pnpm-lock.yaml': `lockfileVersion: '9.0'\npackages: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n` },
    },
    inputs: { path: 'pnpm-lock.yaml' },
    error: 'sbom: pnpm-lock.yaml: nests deeper than 256 levels',
  },
  {
    name: 'document: a lockfile over 64 MiB',
    workspace: { files: { 'uv.lock': '' } },
    inputs: { path: 'uv.lock' },
    error: 'sbom: uv.lock: is 65.0 MiB, over the limit of 64.0 MiB',
  },
  {
    name: 'document: duplicate keys in pnpm-lock.yaml',
    workspace: { files: { 'pnpm-lock.yaml': PNPM_OK.replace('snapshots:\n', 'snapshots:\n\n  left-pad@1.3.0: {}\n') } },
    inputs: { path: 'pnpm-lock.yaml' },
    error: /^sbom: pnpm-lock\.yaml:\d+:\d+: invalid YAML: Map keys must be unique$/,
  },
  {
    name: 'document: duplicate keys in poetry.lock',
    workspace: { files: { 'poetry.lock': '[[package]]\nname = "six"\nname = "seven"\nversion = "1.16.0"\n' } },
    inputs: { path: 'poetry.lock' },
    error: /^sbom: poetry\.lock:3:\d+: invalid TOML: /,
  },
  {
    name: 'document: duplicate keys in package-lock.json (JSON: the last one wins, as in npm)',
    workspace: {
      files: {
        'package-lock.json': npmLock(leftPad()).replace(
          '"version": "1.3.0",',
          '"version": "1.0.0",\n      "version": "1.3.0",',
        ),
      },
    },
    inputs: { path: 'package-lock.json' },
    check: (r, sbom) => {
      expect(r.exitCode).toBe(0);
      expect(sbom).toContain('"purl": "pkg:npm/left-pad@1.3.0"');
      expect(sbom).not.toContain('left-pad@1.0.0');
    },
  },
  {
    name: 'number: lockfileVersion Infinity (1e999)',
    workspace: { files: { 'package-lock.json': '{\n  "lockfileVersion": 1e999,\n  "packages": {}\n}\n' } },
    inputs: { path: 'package-lock.json' },
    error: 'sbom: package-lock.json:2: unsupported lockfileVersion Infinity (this action reads 1, 2 and 3)',
  },
  {
    name: 'number: lockfileVersion -1',
    workspace: { files: { 'package-lock.json': '{\n  "lockfileVersion": -1,\n  "packages": {}\n}\n' } },
    inputs: { path: 'package-lock.json' },
    error: 'sbom: package-lock.json:2: unsupported lockfileVersion -1 (this action reads 1, 2 and 3)',
  },
  {
    name: 'number: yarn berry __metadata.version .nan',
    workspace: { files: { 'yarn.lock': '__metadata:\n  version: .nan\n' } },
    inputs: { path: 'yarn.lock' },
    error: 'sbom: yarn.lock:1: unsupported yarn lockfile __metadata.version NaN (this action reads 4–8)',
  },
  {
    name: 'number: a negative --hash',
    workspace: { files: { 'requirements.txt': 'six==1.16.0 --hash=sha256:-1\n' } },
    inputs: { path: 'requirements.txt' },
    error: "sbom: requirements.txt:1: malformed --hash 'sha256:-1' (expected <algorithm>:<hex digest>)",
  },

  // Invalid enums and booleans.
  {
    name: 'enum: format yaml',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', format: 'yaml' },
    error: 'sbom: Input \'format\': expected one of json, xml, spdx-json, got "yaml"',
  },
  {
    name: 'enum: spec-version 1.4',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'spec-version': '1.4' },
    error: 'sbom: Input \'spec-version\': expected one of 1.6, 1.5, got "1.4"',
  },
  {
    name: 'enum: include-dev maybe',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'include-dev': 'maybe' },
    error: 'sbom: Input \'include-dev\': expected true or false, got "maybe"',
  },

  {
    name: 'enum: reproducible yes',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', reproducible: 'yes' },
    error: 'sbom: Input \'reproducible\': expected true or false, got "yes"',
  },
  {
    name: 'output: a name with a line break is refused before anything is written',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', output: 'a\nsbom-file=forged.json' },
    error: "sbom: Input 'output': holds a line break or a control character",
  },
  {
    name: 'injection: an include name quoted in the error',
    workspace: { files: { 'requirements.txt': '-r ::error::x%0A::warning::y.txt\n' } },
    inputs: { path: 'requirements.txt' },
    error:
      "sbom: requirements.txt:1: included file ':\u200b:error:\u200b:x%0A:\u200b:warning:\u200b:y.txt' does not exist",
  },

  // Secrets on error paths.
  {
    name: 'secret: the token is masked and never echoed when an input is refused',
    workspace: { files: {} },
    inputs: { path: '../x', 'github-token': SECRETS.inputToken },
    masked: [SECRETS.inputToken],
    error: /^sbom: Input 'path': path '\.\.\/x' is outside the workspace /,
  },
  // license-policy and python-environment (issue #25): paths, documents, expressions and license texts.
  {
    name: 'license-policy: a file outside the workspace (..)',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'license-policy': `../${path.basename(OUTSIDE)}/package.json` },
    error: new RegExp(
      `^sbom: Input 'license-policy': path '\\.\\./${path.basename(OUTSIDE)}/package\\.json' is outside the workspace `,
    ),
  },
  {
    name: 'license-policy: an absolute path elsewhere',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'license-policy': path.join(OUTSIDE, 'package.json') },
    error: /^sbom: Input 'license-policy': path '\/.*\/package\.json' is outside the workspace /,
  },
  {
    name: 'license-policy: a symlink out of the workspace',
    workspace: {
      files: { 'package-lock.json': npmLock(leftPad()) },
      links: { 'policy.yml': path.join(OUTSIDE, 'package.json') },
    },
    inputs: { path: 'package-lock.json', 'license-policy': 'policy.yml' },
    error: "sbom: Input 'license-policy': path 'policy.yml' leads through a symlink outside the workspace",
  },
  {
    name: 'license-policy: a file that does not exist',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'license-policy': 'policy.yml' },
    error: 'sbom: policy.yml: cannot be read (ENOENT)',
  },
  {
    name: 'license-policy: YAML alias bomb inline',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: {
      path: 'package-lock.json',
      'license-policy': ALIAS_BOMB.replace("lockfileVersion: '9.0'", 'allow: [MIT]'),
    },
    error:
      "sbom: Input 'license-policy': invalid YAML: Excessive alias count indicates a resource exhaustion attack (aliases expand past the limit)",
  },
  {
    name: 'license-policy: YAML alias bomb in a file',
    workspace: {
      files: {
        'package-lock.json': npmLock(leftPad()),
        'policy.yml': ALIAS_BOMB.replace("lockfileVersion: '9.0'", 'allow: [MIT]'),
      },
    },
    inputs: { path: 'package-lock.json', 'license-policy': 'policy.yml' },
    error:
      'sbom: policy.yml: invalid YAML: Excessive alias count indicates a resource exhaustion attack (aliases expand past the limit)',
  },
  {
    name: 'license-policy: nested 300 levels deep (file)',
    workspace: {
      files: {
        'package-lock.json': npmLock(leftPad()),
        'policy.json': `{"allow": ["MIT"], "x": ${'['.repeat(300)}${']'.repeat(300)}}`,
      },
    },
    inputs: { path: 'package-lock.json', 'license-policy': 'policy.json' },
    error: 'sbom: policy.json: nests deeper than 256 levels',
  },
  {
    name: 'license-policy: nested 300 levels deep (inline)',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: {
      path: 'package-lock.json',
      'license-policy': `{"allow": ["MIT"], "x": ${'['.repeat(300)}${']'.repeat(300)}}`,
    },
    error: "sbom: Input 'license-policy': nests deeper than 256 levels",
  },
  {
    name: 'license-policy: an invalid SPDX expression is named (inline)',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'license-policy': 'allow: [MIT, Apache 2]' },
    error:
      "sbom: Input 'license-policy': allow entry 2: 'Apache 2' is not a valid SPDX license expression (see https://spdx.org/licenses/)",
  },
  {
    name: 'license-policy: an invalid SPDX expression is named (file), before the SBOM is written',
    workspace: {
      files: { 'package-lock.json': npmLock(leftPad()), 'policy.yml': 'deny:\n  - GPL-3.0-only\n  - GPL-2.0 AND\n' },
    },
    inputs: { path: 'package-lock.json', 'license-policy': 'policy.yml' },
    error:
      "sbom: policy.yml: deny entry 2: 'GPL-2.0 AND' is not a valid SPDX license expression (see https://spdx.org/licenses/)",
    check: (r, sbom) => {
      expect(sbom).toBeUndefined();
      expect(existsSync(path.join(r.workspace, 'sbom.cdx.json'))).toBe(false);
    },
  },
  {
    name: 'license-policy: an injection string as a license in the policy',
    workspace: {
      files: { 'package-lock.json': npmLock(leftPad()), 'policy.yml': `allow:\n  - ${JSON.stringify(INJECTION)}\n` },
    },
    inputs: { path: 'package-lock.json', 'license-policy': 'policy.yml' },
    error:
      /^sbom: policy\.yml: allow entry 1: ':\u200b:error:\u200b:INJECTED%0A:\u200b:warning:\u200b:INJECTED :\u200b:stop-commands:\u200b:tok #\u200b#\[error\]INJECTEDRED' is not a valid SPDX license expression \(see https:\/\/spdx\.org\/licenses\/\)$/,
  },
  {
    name: 'license-policy: duplicate keys',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()), 'policy.yml': 'allow: [MIT]\nallow: [ISC]\n' } },
    inputs: { path: 'package-lock.json', 'license-policy': 'policy.yml' },
    error: /^sbom: policy\.yml:2:1: invalid YAML: Map keys must be unique/,
  },
  {
    name: 'license-policy: an empty file',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()), 'policy.yml': '' } },
    inputs: { path: 'package-lock.json', 'license-policy': 'policy.yml' },
    error: 'sbom: policy.yml: expected a mapping with allow, deny, unknown and exceptions',
  },
  {
    name: 'license-policy: a binary file',
    workspace: {
      files: {
        'package-lock.json': npmLock(leftPad()),
        'policy.yml': Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x02, 0x1b, 0x5b]),
      },
    },
    inputs: { path: 'package-lock.json', 'license-policy': 'policy.yml' },
    error: /^sbom: policy\.yml(?::\d+:\d+)?: /,
  },
  {
    name: 'license-policy: a file over 1 MiB',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()), 'policy.yml': 'allow: [MIT]\n' } },
    prepare: (ws) => truncateSync(path.join(ws, 'policy.yml'), 2 * 1024 * 1024),
    inputs: { path: 'package-lock.json', 'license-policy': 'policy.yml' },
    error: 'sbom: policy.yml: is 2.0 MiB, over the limit of 1.0 MiB',
  },
  {
    name: 'license-policy: NaN, Infinity and negative numbers as licenses',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'license-policy': 'allow: [.nan, .inf, -1]' },
    error: "sbom: Input 'license-policy': allow entry 1: expected an SPDX expression, got 'NaN'",
  },
  {
    name: 'license-policy: an invalid unknown rule',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'license-policy': 'allow: [MIT]\nunknown: ignore' },
    error: "sbom: Input 'license-policy': 'unknown' must be fail, warn or allow, got 'ignore'",
  },
  {
    name: 'license-policy: an expiry that is no date',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: {
      path: 'package-lock.json',
      'license-policy':
        'allow: [MIT]\nexceptions:\n  - purl: pkg:npm/left-pad@1.3.0\n    reason: ok\n    expires: never',
    },
    error: "sbom: Input 'license-policy': exceptions entry 1: 'expires' must be a date YYYY-MM-DD, got 'never'",
  },
  {
    name: 'license-policy: injection strings in lockfile license texts reach the warning and the summary escaped',
    workspace: { files: { 'package-lock.json': npmLock(leftPad({ license: INJECTION })) } },
    inputs: { path: 'package-lock.json', 'license-policy': 'allow: [MIT]' },
    check: (r) => {
      expect(r.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
        '1 package(s) with an unknown license: left-pad 1.3.0 (:\u200b:error:\u200b:INJECTED%0A:\u200b:warning:\u200b:INJECTED :\u200b:stop-commands:\u200b:tok #\u200b#[error]INJECTEDRED)',
      ]);
      expect(r.summary).toContain(
        '<td>unknown: ::error::INJECTED%0A::warning::INJECTED ::stop-commands::tok &#35;&#35;&#91;error&#93;INJECTEDRED</td><td>1</td><td>unknown</td>',
      );
      expect(r.summary).not.toContain('\u001b');
      expect(r.outputs).toMatchObject({ status: 'passed', 'license-violations': '0' });
    },
  },
  {
    name: 'license-policy: injection strings in a failing license reach the error line escaped',
    workspace: {
      files: { 'package-lock.json': npmLock(leftPad({ license: `<img src=x onerror=alert(1)>${INJECTION}` })) },
    },
    inputs: { path: 'package-lock.json', 'license-policy': 'allow: [MIT]\nunknown: fail' },
    error:
      /^sbom: license policy failed: 1 package violate it: left-pad 1\.3\.0 \(<img src=x onerror=alert\(1\)>:\u200b:error:\u200b:INJECTED%0A:\u200b:warning:\u200b:INJECTED .*: not an SPDX license expression\)$/,
    check: (r) => {
      expect(r.summary).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(r.summary).not.toContain('<img');
      expect(r.outputs).toMatchObject({ status: 'failed', 'license-violations': '1' });
    },
  },
  {
    name: 'license-policy: a 100,000-character license text is clipped, judged unknown',
    workspace: { files: { 'package-lock.json': npmLock(leftPad({ license: `MIT OR ${'X'.repeat(100_000)}` })) } },
    inputs: { path: 'package-lock.json', 'license-policy': 'allow: [MIT]\nunknown: fail' },
    error:
      /^sbom: license policy failed: 1 package violate it: left-pad 1\.3\.0 \(MIT OR X+… \(cut at 150 of 100007 characters\): not an SPDX license expression\)$/,
  },
  {
    name: 'python-environment: outside the workspace (..)',
    workspace: { files: { 'requirements.txt': 'six==1.16.0\n' } },
    inputs: { path: 'requirements.txt', 'python-environment': '../site-packages' },
    error: /^sbom: Input 'python-environment': path '\.\.\/site-packages' is outside the workspace /,
  },
  {
    name: 'python-environment: a symlink out of the workspace',
    workspace: { files: { 'requirements.txt': 'six==1.16.0\n' }, links: { '.venv': OUTSIDE } },
    inputs: { path: 'requirements.txt', 'python-environment': '.venv' },
    error: "sbom: Input 'python-environment': path '.venv' leads through a symlink outside the workspace",
  },
  {
    name: 'python-environment: a METADATA file linked out of the workspace',
    workspace: {
      files: { 'requirements.txt': 'six==1.16.0\n' },
      links: { 'site/six-1.16.0.dist-info/METADATA': path.join(OUTSIDE, 'package.json') },
    },
    inputs: { path: 'requirements.txt', 'python-environment': 'site' },
    error: 'sbom: site/six-1.16.0.dist-info/METADATA: leads through a symlink outside the workspace',
  },
  {
    name: 'python-environment: a site-packages folder linked out of a venv',
    workspace: {
      files: { 'requirements.txt': 'six==1.16.0\n', '.venv/pyvenv.cfg': 'home = /usr/bin\n' },
      links: { '.venv/lib/python3.11/site-packages': OUTSIDE },
    },
    inputs: { path: 'requirements.txt', 'python-environment': '.venv' },
    error:
      "sbom: Input 'python-environment': '.venv/lib/python3.11/site-packages' leads through a symlink outside the workspace",
  },
  {
    name: 'python-environment: a file, not a folder',
    workspace: { files: { 'requirements.txt': 'six==1.16.0\n' } },
    inputs: { path: 'requirements.txt', 'python-environment': 'requirements.txt' },
    error: "sbom: Input 'python-environment': 'requirements.txt' is not a folder",
  },
  {
    name: 'license-policy: a folder, not a file',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()), 'policies/a.yml': 'allow: [MIT]\n' } },
    inputs: { path: 'package-lock.json', 'license-policy': 'policies' },
    error: 'sbom: policies: is not a regular file',
  },
  {
    name: 'python-environment: a dist-info without METADATA and one without a name are skipped',
    workspace: {
      files: {
        'requirements.txt': 'six==1.16.0\n',
        'site/broken-1.0.dist-info/RECORD': '',
        'site/noname-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nVersion: 1.0\nLicense: MIT\n',
        'site/six-1.16.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n',
      },
    },
    inputs: { path: 'requirements.txt', 'python-environment': 'site', 'license-policy': 'allow: [MIT]\nunknown: fail' },
    check: (r, sbom) => {
      expect(r.stdout).toContain('site: 1 installed distributions, licenses put on 1 components; 0 in no lockfile');
      expect(r.outputs).toMatchObject({ status: 'passed', 'license-violations': '0' });
      expect(sbom).toContain('"id": "MIT"');
    },
  },
  {
    name: 'python-environment: a folder without installed packages',
    workspace: { files: { 'requirements.txt': 'six==1.16.0\n', 'env/readme.txt': 'x' } },
    inputs: { path: 'requirements.txt', 'python-environment': 'env' },
    error:
      "sbom: Input 'python-environment': no installed packages in 'env' (expected a site-packages folder with *.dist-info, or a virtual environment holding lib/python3.*/site-packages)",
  },
  {
    name: 'python-environment: a METADATA over 4 MiB',
    workspace: { files: { 'requirements.txt': 'six==1.16.0\n', 'site/six-1.16.0.dist-info/METADATA': 'Name: six\n' } },
    prepare: (ws) => truncateSync(path.join(ws, 'site/six-1.16.0.dist-info/METADATA'), 5 * 1024 * 1024),
    inputs: { path: 'requirements.txt', 'python-environment': 'site' },
    error: 'sbom: site/six-1.16.0.dist-info/METADATA: is 5.0 MiB, over the limit of 4.0 MiB',
  },
  {
    name: 'python-environment: injection strings in METADATA License reach the warning and the summary escaped',
    workspace: {
      files: {
        'requirements.txt': 'six==1.16.0\n',
        'site/six-1.16.0.dist-info/METADATA': `Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nLicense: ${INJECTION}\nClassifier: License :: ::warning::classifier\n\n::error::description\n`,
      },
    },
    inputs: { path: 'requirements.txt', 'python-environment': 'site', 'license-policy': 'deny: [GPL-3.0-only]' },
    check: (r, sbom) => {
      expect(r.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
        '1 package(s) with an unknown license: six 1.16.0 (:\u200b:error:\u200b:INJECTED%0A:\u200b:warning:\u200b:INJECTED :\u200b:stop-commands:\u200b:tok #\u200b#[error]INJECTEDRED)',
      ]);
      expect(r.summary).not.toContain('\u001b');
      expect(r.summary).not.toContain('description');
      expect(sbom).toContain('"name": "::error::INJECTED%0A::warning::INJECTED ::stop-commands::tok ##[error]INJECTED');
    },
  },
  {
    name: 'enum: format spdx',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', format: 'spdx' },
    error: 'sbom: Input \'format\': expected one of json, xml, spdx-json, got "spdx"',
  },
  {
    name: 'spdx-json: injection strings in names and licenses stay data in a valid document',
    workspace: {
      files: { 'package-lock.json': npmLock(leftPad({ license: INJECTION, version: `1.3.0${INJECTION}` })) },
    },
    inputs: { path: 'package-lock.json', format: 'spdx-json', 'component-name': INJECTION },
    check: (r, sbom) => {
      expect(r.outputs['sbom-file']).toBe('sbom.spdx.json');
      const doc = JSON.parse(sbom ?? '{}') as {
        name: string;
        packages: Array<{ name: string; licenseDeclared: string }>;
      };
      expect(doc.packages.find((p) => p.name === 'left-pad')?.licenseDeclared).toBe('NOASSERTION');
      expect(doc.name.startsWith('::error::INJECTED')).toBe(true);
    },
  },
  // Dependency submission (issues #23 and #26): github-token, dependency-submission, correlator and
  // the runner's variables the snapshot is built from; the GitHub API double answers.
  {
    name: 'correlator: a line break (a second line would forge a correlator)',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', correlator: 'ci\n::warning::forged' },
    error: "sbom: Input 'correlator': holds a line break or a control character",
    received: (d, r) => {
      expect(d.requests).toEqual([]);
      expect(existsSync(path.join(r.workspace, 'sbom.cdx.json'))).toBe(false);
    },
  },
  {
    name: 'correlator: U+2028 and ANSI escapes',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', correlator: `ci\u2028x ${INJECTION}` },
    error: "sbom: Input 'correlator': holds a line break or a control character",
  },
  {
    name: 'correlator: 256 characters',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', correlator: 'c'.repeat(256) },
    error: "sbom: Input 'correlator': is 256 characters, over the limit of 255",
    received: (d) => expect(d.requests).toEqual([]),
  },
  {
    name: 'correlator: workflow-command strings stay data in the snapshot and are neutralised in the log and summary',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: {
      path: 'package-lock.json',
      'github-token': SECRETS.apiToken,
      correlator: '::error::INJECTED%0A::warning::INJECTED ::stop-commands::tok ##[error]INJECTED',
    },
    masked: [SECRETS.apiToken],
    received: (d, r) => {
      expect(d.state.snapshots.map((x) => (x.body as { job: { correlator: string } }).job.correlator)).toEqual([
        '::error::INJECTED%0A::warning::INJECTED ::stop-commands::tok ##[error]INJECTED',
      ]);
      expect(r.stdout).toContain(
        "correlator ':\u200b:error:\u200b:INJECTED%0A:\u200b:warning:\u200b:INJECTED :\u200b:stop-commands:\u200b:tok #\u200b#[error]INJECTED')",
      );
      expect(r.summary).toContain('&#35;&#35;&#91;error&#93;INJECTED');
      expect(r.masks).toEqual([SECRETS.apiToken]);
    },
  },
  {
    name: 'correlator default: a hostile workflow name loses its control characters and is neutralised in the log',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'github-token': SECRETS.apiToken },
    masked: [SECRETS.apiToken],
    env: { GITHUB_WORKFLOW: 'CI\n::error::INJECTED\u001b[31m', GITHUB_JOB: 'build' },
    received: (d, r) => {
      expect(d.state.snapshots.map((x) => (x.body as { job: { correlator: string } }).job.correlator)).toEqual([
        'CI::error::INJECTED[31m_build_sbom.cdx.json',
      ]);
      expect(r.stdout).toContain("correlator 'CI:\u200b:error:\u200b:INJECTED[31m_build_sbom.cdx.json')");
    },
  },
  {
    name: 'correlator default: a 1000-character workflow name is cut to 255 characters and keeps a hash of the whole',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'github-token': SECRETS.apiToken },
    masked: [SECRETS.apiToken],
    env: { GITHUB_WORKFLOW: 'W'.repeat(1000) },
    received: (d) => {
      const sent = d.state.snapshots.map((x) => (x.body as { job: { correlator: string } }).job.correlator);
      const whole = `${'W'.repeat(1000)}_test_sbom.cdx.json`;
      expect(sent).toEqual([`${'W'.repeat(238)}_${createHash('sha256').update(whole).digest('hex').slice(0, 16)}`]);
      expect(sent[0]).toHaveLength(255);
    },
  },
  {
    name: 'github-token: a line break (it would split the authorization header) is refused, the token never shown',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'github-token': `${SECRETS.apiToken}\n::warning::x` },
    masked: [SECRETS.apiToken],
    error: "sbom: Input 'github-token': contains whitespace or a control character",
    received: (d) => expect(d.requests).toEqual([]),
  },
  {
    name: 'enum: dependency-submission yes',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'dependency-submission': 'yes' },
    error: 'sbom: Input \'dependency-submission\': expected one of auto, true, false, got "yes"',
  },
  {
    name: 'dependency-submission: true with an empty token',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'dependency-submission': 'true', 'github-token': '' },
    error:
      "sbom: Input 'github-token': is empty, and dependency-submission: true needs a token with `permissions: contents: write`",
  },
  {
    name: 'dependency-submission: true outside a repository (GITHUB_REPOSITORY malformed), refused before anything is written',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'dependency-submission': 'true', 'github-token': SECRETS.apiToken },
    masked: [SECRETS.apiToken],
    env: { GITHUB_REPOSITORY: '../../orgs/x' },
    error:
      "sbom: Input 'dependency-submission': submitting to the dependency graph needs the runner's environment: GITHUB_REPOSITORY is not owner/name",
    received: (d, r) => {
      expect(d.requests).toEqual([]);
      expect(existsSync(path.join(r.workspace, 'sbom.cdx.json'))).toBe(false);
    },
  },
  {
    name: 'dependency-submission auto with a malformed GITHUB_SHA: a notice, no call',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'github-token': SECRETS.apiToken },
    masked: [SECRETS.apiToken],
    env: { GITHUB_SHA: 'main' },
    received: (d, r) => {
      expect(d.requests).toEqual([]);
      expect(r.annotations.map((a) => [a.level, a.message])).toEqual([
        [
          'notice',
          "No dependency submission: submitting to the dependency graph needs the runner's environment: GITHUB_SHA is not a 40-character commit SHA",
        ],
      ]);
    },
  },
  {
    name: "secret: GitHub's refusal echoes the token and a workflow command; the warning shows neither",
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'github-token': SECRETS.apiToken },
    masked: [SECRETS.apiToken],
    api: (d) =>
      d.fail('dependency-graph/create-repository-snapshot', 403, `Bad token ${SECRETS.apiToken} ::error::INJECTED`, 1),
    received: (d, r) => {
      expect(d.state.snapshots).toEqual([]);
      expect(r.annotations.map((a) => [a.level, a.message])).toEqual([
        [
          'warning',
          'GitHub refused the dependency snapshot (HTTP 403: Bad token *** :\u200b:error:\u200b:INJECTED - https://docs.github.com/rest): the job needs `permissions: contents: write`, and a pull request from a fork gets a read-only token (set dependency-submission: false to write the SBOM only)',
        ],
      ]);
      expect(r.outputs.status).toBe('passed');
    },
  },
  {
    name: 'dependency-submission: true and GitHub refuses (422): one error line after the SBOM is written',
    workspace: { files: { 'package-lock.json': npmLock(leftPad()) } },
    inputs: { path: 'package-lock.json', 'github-token': SECRETS.apiToken, 'dependency-submission': 'true' },
    masked: [SECRETS.apiToken],
    api: (d) => d.fail('dependency-graph/create-repository-snapshot', 422, 'Invalid request', 1),
    error:
      'sbom: GitHub did not take the dependency snapshot (HTTP 422: Invalid request - https://docs.github.com/rest)',
    received: (_d, r) => expect(existsSync(path.join(r.workspace, 'sbom.cdx.json'))).toBe(true),
  },
];

let double: GitHubApiDouble;

beforeAll(async () => {
  ensureBundled(ACTION);
  double = new GitHubApiDouble();
  await double.start();
});
afterAll(async () => {
  await double.close();
});

describe('hostile input (bundled action)', () => {
  it.each(cases)('$name', async (c) => {
    const ws = makeWorkspace(c.workspace);
    // The huge-file case: a sparse file just over the limit (nothing is written to disk).
    if (c.name.includes('over 64 MiB')) truncateSync(path.join(ws, 'uv.lock'), 65 * 1024 * 1024);
    c.prepare?.(ws);
    double.requests.length = 0;
    double.state.snapshots.length = 0;
    c.api?.(double);
    // No case reaches api.github.com: the double answers, and checks each request against GitHub's description.
    const r = await runBundledAction(ACTION, {
      workspace: ws,
      inputs: c.inputs,
      env: { GITHUB_API_URL: double.url, ...c.env },
    });
    const output = r.outputs['sbom-file'];
    const sbom =
      output !== undefined && existsSync(path.join(ws, output))
        ? readFileSync(path.join(ws, output), 'utf8')
        : undefined;
    if (sbom !== undefined) expect(sbom).not.toContain(OUTSIDE_CANARY);
    if (c.error === undefined) {
      expectClean(r, { secrets: ALL_SECRETS });
      expect(
        r.annotations.filter((a) => a.level === 'error').map((a) => a.message),
        r.stdout.slice(-2000),
      ).toEqual([]);
      expect(r.exitCode).toBe(0);
      expect(sbom).toBeDefined();
    } else {
      expectRefused(r, c.error, { secrets: ALL_SECRETS });
    }
    for (const m of c.masked ?? []) expect(r.masks).toContain(m);
    if (!c.masked) expect(r.masks).toEqual([]);
    await c.check?.(r, sbom);
    c.received?.(double, r);
    double.assertNoViolations();
  });
});
