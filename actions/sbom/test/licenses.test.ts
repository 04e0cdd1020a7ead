import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fixturePath } from '@spikeformer-actions/testing';
import { describe, expect, it, vi } from 'vitest';
import { classifierLicense, namedLicense } from '../src/licenses/aliases.js';
import { evaluateLicenses, type LicenseEvaluation } from '../src/licenses/evaluate.js';
import { isInlinePolicy } from '../src/licenses/read-policy.js';
import { alternatives, expressionText, parseExpression } from '../src/licenses/expression.js';
import { exceptionMatches, isExpired, type LicensePolicy, parsePolicy } from '../src/licenses/policy.js';
import { normaliseVersion } from '../src/licenses/environment-match.js';
import { licensesFromHeaders, metadataHeaders, readPythonEnvironment } from '../src/licenses/python-env.js';
import { resolveLicense } from '../src/licenses/resolve.js';
import { newPackage, type LockedPackage } from '../src/model.js';
import { generateFor, lockfile, parseBom } from './helpers.js';

vi.setConfig({ testTimeout: 120_000 });

const TODAY = '2026-12-05';
const fail = (problem: string): Error => new Error(problem);
const policy = (doc: unknown): LicensePolicy => parsePolicy(doc, fail);

function npm(name: string, version: string, licenses: string[], fields: Partial<LockedPackage> = {}): LockedPackage {
  const purl = `pkg:npm/${name}@${version}`;
  return newPackage({ id: purl, ecosystem: 'npm', name, version, purl, licenses, ...fields });
}

const verdicts = (e: LicenseEvaluation): Record<string, string> =>
  Object.fromEntries(
    [...e.violations, ...e.warnings, ...e.excepted].map((p) => [p.name, `${p.verdict}: ${p.problem}`]),
  );

describe('SPDX expressions (spdx-expression-parse, spdx-satisfies)', () => {
  it('parses, prints canonically and expands AND over OR', () => {
    const node = parseExpression('(MIT or Apache-2.0) and BSD-3-Clause');
    expect(node && expressionText(node)).toBe('(MIT OR Apache-2.0) AND BSD-3-Clause');
    expect(node && alternatives(node)?.map((a) => a.map((l) => l.license))).toEqual([
      ['MIT', 'BSD-3-Clause'],
      ['Apache-2.0', 'BSD-3-Clause'],
    ]);
    expect(parseExpression('Apache 2.0')).toBeUndefined();
    expect(parseExpression('MIT'.padEnd(1001, ' '))).toBeDefined();
    expect(parseExpression(`MIT OR ${'A'.repeat(1000)}`)).toBeUndefined();
  });

  it('an expression with more alternatives than can be judged is unknown, not a hang', () => {
    const wide = Array.from({ length: 10 }, () => '(MIT OR ISC)').join(' AND ');
    const e = evaluateLicenses([npm('wide', '1.0.0', [wide])], policy({ allow: ['MIT'] }), {
      includeDev: true,
      today: TODAY,
    });
    expect(verdicts(e)).toEqual({ wide: 'unknown: too many alternatives to judge' });
  });

  it('resolves several license fields into one OR expression, well-known names into SPDX ids', () => {
    expect(resolveLicense(['MIT', 'Apache-2.0'])).toMatchObject({ expression: 'MIT OR Apache-2.0' });
    expect(resolveLicense(['Apache License, Version 2.0'])).toMatchObject({ expression: 'Apache-2.0' });
    expect(resolveLicense(['SEE LICENSE IN LICENSE.txt'])).toEqual({
      expression: undefined,
      node: undefined,
      text: 'SEE LICENSE IN LICENSE.txt',
    });
    expect(resolveLicense([])).toEqual({ expression: undefined, node: undefined, text: '' });
    expect(namedLicense('GPLv2')).toBeUndefined();
    expect(classifierLicense('License :: OSI Approved :: BSD License')).toBeUndefined();
    expect(classifierLicense('License :: OSI Approved :: MIT License')).toBe('MIT');
  });
});

describe('the policy document', () => {
  it('inline YAML/JSON is told from a file name', () => {
    expect(
      ['allow: [MIT]', '{"allow": ["MIT"]}', 'deny:\n  - GPL-3.0-only', 'unknown: fail'].map(isInlinePolicy),
    ).toEqual([true, true, true, true]);
    expect(['.github/license-policy.yml', 'policy.json', 'policies/a b.yaml'].map(isInlinePolicy)).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('reads allow, deny, unknown and exceptions; an OR entry lists each license', () => {
    expect(
      policy({
        allow: ['MIT', 'ISC OR 0BSD'],
        deny: 'GPL-3.0-only',
        unknown: 'fail',
        exceptions: [{ purl: 'pkg:npm/x@1.0.0', reason: 'vendored', expires: new Date('2027-01-31T00:00:00Z') }],
      }),
    ).toEqual({
      allow: ['MIT', 'ISC', '0BSD'],
      deny: ['GPL-3.0-only'],
      unknown: 'fail',
      exceptions: [{ index: 1, purl: 'pkg:npm/x@1.0.0', reason: 'vendored', expires: '2027-01-31' }],
    });
    expect(policy({ deny: ['AGPL-3.0-only'] }).unknown).toBe('warn');
  });

  it.each([
    [
      { allow: ['MIT', 'Apache 2'] },
      "allow entry 2: 'Apache 2' is not a valid SPDX license expression (see https://spdx.org/licenses/)",
    ],
    [
      { deny: ['GPL-2.0-only AND MIT'] },
      "deny entry 1: 'GPL-2.0-only AND MIT' combines licenses with AND; list the licenses one by one",
    ],
    [{ allow: ['MIT'], deny: ['MIT'] }, "'MIT' is both allowed and denied"],
    [{ allow: 'MIT', unknown: 'maybe' }, "'unknown' must be fail, warn or allow, got 'maybe'"],
    [{ allow: ['MIT'], colour: 'blue' }, "unknown field(s) 'colour' (allowed: allow, deny, unknown, exceptions)"],
    [{ unknown: 'fail' }, "give 'allow', 'deny' or both (lists of SPDX licenses)"],
    [['MIT'], 'expected a mapping with allow, deny, unknown and exceptions'],
    [{ allow: [1] }, "allow entry 1: expected an SPDX expression, got '1'"],
    [
      { allow: ['MIT'], exceptions: [{ purl: 'left-pad', reason: 'x' }] },
      "exceptions entry 1: 'left-pad' is not a package URL (pkg:<type>/<name>[@<version>])",
    ],
    [
      { allow: ['MIT'], exceptions: [{ purl: 'pkg:npm/a@1' }] },
      "exceptions entry 1: 'reason' is required (say why this package is accepted)",
    ],
    [
      { allow: ['MIT'], exceptions: [{ purl: 'pkg:npm/a@1', reason: 'r', expires: '2026-02-30' }] },
      "exceptions entry 1: 'expires' must be a date YYYY-MM-DD, got '2026-02-30'",
    ],
    [
      { allow: ['MIT'], exceptions: [{ purl: 'pkg:npm/a@1', reason: 'r', until: 'x' }] },
      "exceptions entry 1: unknown field(s) 'until' (allowed: purl, reason, expires)",
    ],
  ])('refuses %j', (doc, message) => {
    expect(() => policy(doc)).toThrow(new Error(message));
  });

  it('an exception with a version covers that version; without one, every version; qualifiers do not matter', () => {
    const e = (purl: string): Parameters<typeof exceptionMatches>[0] => ({
      index: 1,
      purl,
      reason: 'r',
      expires: undefined,
    });
    expect(exceptionMatches(e('pkg:npm/%40scope/a@1.0.0'), 'pkg:npm/%40scope/a@1.0.0?repository_url=x')).toBe(true);
    expect(exceptionMatches(e('pkg:npm/%40scope/a@1.0.0'), 'pkg:npm/%40scope/a@1.0.1')).toBe(false);
    expect(exceptionMatches(e('pkg:npm/%40scope/a'), 'pkg:npm/%40scope/a@9.9.9')).toBe(true);
    expect(exceptionMatches(e('pkg:npm/%40scope/a'), 'pkg:npm/%40scope/ab@9.9.9')).toBe(false);
    expect(isExpired({ index: 1, purl: 'x', reason: 'r', expires: '2026-12-04' }, TODAY)).toBe(true);
    expect(isExpired({ index: 1, purl: 'x', reason: 'r', expires: TODAY }, TODAY)).toBe(false);
  });
});

describe('judging packages', () => {
  const packages = [
    npm('dual', '1.0.0', ['MIT OR GPL-3.0-only']),
    npm('both', '1.0.0', ['MIT AND GPL-3.0-only']),
    npm('plain', '1.0.0', ['MIT']),
    npm('isc', '1.0.0', ['ISC']),
    npm('nothing', '1.0.0', []),
    npm('text', '1.0.0', ['SEE LICENSE IN LICENSE.txt']),
    npm('devtool', '1.0.0', ['GPL-3.0-only'], { dev: true }),
  ];

  it('MIT OR GPL-3.0-only passes where MIT is allowed; a denied license inside an AND fails; unlisted licenses fail an allow list', () => {
    const e = evaluateLicenses(packages, policy({ allow: ['MIT'], deny: ['GPL-3.0-only'] }), {
      includeDev: false,
      today: TODAY,
    });
    expect(verdicts(e)).toEqual({
      both: 'denied: denied: GPL-3.0-only',
      isc: 'not allowed: not in allow: ISC',
      nothing: 'unknown: no license found',
      text: 'unknown: not an SPDX license expression',
    });
    expect(e.violations.map((v) => v.name)).toEqual(['both', 'isc']);
    expect(e.warnings.map((v) => v.name)).toEqual(['nothing', 'text']);
    expect(e.status).toBe('failed');
    expect(e.judged).toBe(6);
    expect(e.skippedDev).toBe(1);
    expect(e.table).toEqual([
      { license: 'ISC', packages: 1, verdict: 'not allowed' },
      { license: 'MIT', packages: 1, verdict: 'allowed' },
      { license: 'MIT AND GPL-3.0-only', packages: 1, verdict: 'denied' },
      { license: 'MIT OR GPL-3.0-only', packages: 1, verdict: 'allowed' },
      { license: 'unknown: (none)', packages: 1, verdict: 'unknown' },
      { license: 'unknown: SEE LICENSE IN LICENSE.txt', packages: 1, verdict: 'unknown' },
    ]);
  });

  it('with only a deny list, everything not denied passes; -or-later ranges are read by spdx-satisfies', () => {
    const e = evaluateLicenses(
      [npm('later', '1.0.0', ['GPL-2.0-or-later']), npm('isc', '1.0.0', ['ISC'])],
      policy({ deny: ['GPL-3.0-only'], unknown: 'allow' }),
      { includeDev: true, today: TODAY },
    );
    expect(verdicts(e)).toEqual({ later: 'denied: denied: GPL-2.0-or-later' });
  });

  it('unknown: fail makes unknown licenses violations; include-dev judges development packages', () => {
    const e = evaluateLicenses(packages, policy({ allow: ['MIT', 'ISC'], unknown: 'fail' }), {
      includeDev: true,
      today: TODAY,
    });
    expect(e.violations.map((v) => `${v.name}: ${v.verdict}`)).toEqual([
      'both: not allowed',
      'nothing: unknown',
      'text: unknown',
      'devtool: not allowed',
    ]);
  });

  it('an exception in force accepts a package; an expired one does not, and is reported', () => {
    const p = policy({
      allow: ['MIT'],
      exceptions: [
        { purl: 'pkg:npm/isc', reason: 'reviewed by legal', expires: '2027-06-30' },
        { purl: 'pkg:npm/both@1.0.0', reason: 'until the rewrite', expires: '2026-11-30' },
      ],
    });
    const e = evaluateLicenses(packages.slice(0, 4), p, { includeDev: false, today: TODAY });
    expect(e.excepted.map((x) => `${x.name}: ${x.exception?.reason}`)).toEqual(['isc: reviewed by legal']);
    expect(e.violations.map((x) => x.name)).toEqual(['both']);
    expect(e.expired).toEqual([
      {
        exception: { index: 2, purl: 'pkg:npm/both@1.0.0', reason: 'until the rewrite', expires: '2026-11-30' },
        packages: ['pkg:npm/both@1.0.0'],
      },
    ]);
    expect(e.status).toBe('failed');
  });
});

describe('real data: this repository’s npm lockfile (npm 11.19.1, with license fields)', () => {
  const file = lockfile('spikeformer-npm/package-lock.json');
  const judge = async (doc: unknown, includeDev = true): Promise<LicenseEvaluation> => {
    const { inventory } = await generateFor([file]);
    return evaluateLicenses(inventory.packages, policy(doc), { includeDev, today: TODAY });
  };
  const PERMISSIVE = [
    'MIT',
    'ISC',
    'Apache-2.0',
    'BSD-3-Clause',
    'BSD-2-Clause',
    '0BSD',
    'BlueOak-1.0.0',
    'CC0-1.0',
    'Unlicense',
    'Python-2.0',
  ];

  it('one branch of an expression is enough: elkjs (EPL-2.0 OR GPL-3.0-or-later) and dompurify ((MPL-2.0 OR Apache-2.0)) pass', async () => {
    const e = await judge({ allow: [...PERMISSIVE, 'EPL-2.0'], deny: ['GPL-3.0-or-later'] });
    // What fails is MPL-2.0 alone (lightningcss and its eleven platform packages), not the
    // expressions with an allowed branch.
    expect(e.violations).toHaveLength(12);
    expect(
      new Set(e.violations.map((v) => `${v.name.replace(/-.*$/, '')} ${v.version}: ${v.license}: ${v.problem}`)),
    ).toEqual(new Set(['lightningcss 1.33.0: MPL-2.0: not in allow: MPL-2.0']));
    expect(e.table.find((r) => r.license === 'EPL-2.0 OR GPL-3.0-or-later')).toEqual({
      license: 'EPL-2.0 OR GPL-3.0-or-later',
      packages: 1,
      verdict: 'allowed',
    });
    expect(e.table.find((r) => r.license === 'MPL-2.0 OR Apache-2.0')).toEqual({
      license: 'MPL-2.0 OR Apache-2.0',
      packages: 1,
      verdict: 'allowed',
    });
    expect(e.warnings.map((w) => `${w.name}: ${w.license || '(none)'}`).sort()).toEqual([
      'h5wasm: SEE LICENSE IN LICENSE.txt',
      'khroma: (none)',
    ]);
  });

  it('a denied license fails with the packages named', async () => {
    const e = await judge({ allow: PERMISSIVE, deny: ['MPL-2.0', 'EPL-2.0'] });
    expect(e.status).toBe('failed');
    const named = e.violations.map((v) => `${v.name}@${v.version} ${v.license}: ${v.problem}`);
    expect(named).toContain('elkjs@0.12.1 EPL-2.0 OR GPL-3.0-or-later: not in allow: GPL-3.0-or-later');
    expect(named.filter((n) => n.endsWith('denied: MPL-2.0')).length).toBe(12);
    // dompurify's Apache-2.0 branch is allowed.
    expect(named.some((n) => n.startsWith('dompurify@'))).toBe(false);
  });

  it('an expired exception fails; the same exception in force passes', async () => {
    const exceptions = (expires: string): unknown[] => [
      { purl: 'pkg:npm/h5wasm@0.10.3', reason: 'license text reviewed', expires },
      { purl: 'pkg:npm/khroma', reason: 'MIT upstream', expires },
    ];
    const expired = await judge({
      allow: [...PERMISSIVE, 'MPL-2.0', 'EPL-2.0'],
      unknown: 'fail',
      exceptions: exceptions('2026-12-01'),
    });
    expect(expired.violations.map((v) => v.name).sort()).toEqual(['h5wasm', 'khroma']);
    expect(expired.expired.map((x) => x.exception.purl)).toEqual(['pkg:npm/h5wasm@0.10.3', 'pkg:npm/khroma']);
    const inForce = await judge({
      allow: [...PERMISSIVE, 'MPL-2.0', 'EPL-2.0'],
      unknown: 'fail',
      exceptions: exceptions('2027-12-01'),
    });
    expect(inForce.status).toBe('passed');
    expect(inForce.excepted.map((v) => v.name).sort()).toEqual(['h5wasm', 'khroma']);
  });
});

describe('real data: installed Python environments (dist-info METADATA, egg-info PKG-INFO)', () => {
  const debian = fixturePath('python-env/debian-dist-packages');
  const root = path.dirname(path.dirname(debian));

  it('reads the core metadata header and continuation lines, not the description', () => {
    const headers = metadataHeaders(
      'Metadata-Version: 2.1\nName: x\nLicense: Copyright (c) A\n        continued here\nClassifier: License :: OSI Approved :: MIT License\n\nLicense: not a header\n',
    );
    expect(headers).toEqual([
      ['Metadata-Version', '2.1'],
      ['Name', 'x'],
      ['License', 'Copyright (c) A\ncontinued here'],
      ['Classifier', 'License :: OSI Approved :: MIT License'],
    ]);
    expect(licensesFromHeaders(headers)).toEqual(['MIT']);
    expect(
      licensesFromHeaders([
        ['License-Expression', 'Apache-2.0 OR MIT'],
        ['License', 'BSD'],
      ]),
    ).toEqual(['Apache-2.0 OR MIT']);
    expect(licensesFromHeaders([['Classifier', 'License :: OSI Approved :: BSD License']])).toEqual(['BSD License']);
    expect(normaliseVersion('V1.0.0')).toBe(normaliseVersion('1.0'));
  });

  it('Debian 12’s python3-* packages: what each METADATA/PKG-INFO says', async () => {
    const dists = await readPythonEnvironment(debian, root);
    expect(dists).toHaveLength(readdirSync(debian).length);
    const byName = Object.fromEntries(dists.map((d) => [d.name, d.licenses]));
    expect(byName).toMatchObject({
      cryptography: ['BSD-3-Clause OR Apache-2.0'],
      'diff-cover': ['Apache-2.0'],
      distro: ['Apache-2.0'],
      blinker: ['MIT'],
      'dbus-python': ['MIT'],
      // Their License fields say LGPL / GNU LGPL; their classifiers say which (LGPLv2+).
      chardet: ['LGPL-2.0-or-later'],
      PyGObject: ['LGPL-2.0-or-later'],
      'lazr.uri': ['LGPL v3'],
      'python-apt': ['GNU GPL'],
      perf: ['GPLv2'],
      oauthlib: ['BSD'],
      pyparsing: ['MIT'],
      argcomplete: ['Apache-2.0'],
    });
    expect(dists.find((d) => d.name === 'PyYAML')?.file).toBe(
      'python-env/debian-dist-packages/PyYAML-6.0.dist-info/METADATA',
    );
  });

  it('licenses reach the components of a pip freeze of the same environment, and the policy judges them', async () => {
    const distributions = await readPythonEnvironment(debian, root);
    const { inventory, serialized, environment } = await generateFor(
      [fixturePath('python-env/debian-requirements.txt')],
      root,
      { distributions },
    );
    expect(environment?.matched).toBe(inventory.packages.filter((p) => p.licenses.length > 0).length);
    expect(environment?.unmatched).toEqual([]);
    const bom = parseBom(serialized.text);
    expect(bom.components.find((c) => c.name === 'cryptography')?.licenses).toEqual([
      { expression: 'BSD-3-Clause OR Apache-2.0' },
    ]);
    expect(bom.components.find((c) => c.name === 'PyYAML')?.licenses).toEqual([{ license: { id: 'MIT' } }]);
    const e = evaluateLicenses(
      inventory.packages,
      policy({ allow: ['MIT', 'BSD-3-Clause', 'BSD-2-Clause'], deny: ['Apache-2.0'] }),
      { includeDev: false, today: TODAY },
    );
    const denied = e.violations
      .filter((v) => v.verdict === 'denied')
      .map((v) => v.name)
      .sort();
    expect(denied).toEqual(['argcomplete', 'diff-cover', 'distro', 'pyOpenSSL', 'yq']);
    // cryptography passes by its BSD-3-Clause branch.
    expect(e.violations.some((v) => v.name === 'cryptography')).toBe(false);
    expect(e.warnings.map((w) => `${w.name}: ${w.license}`).sort()).toEqual([
      'lazr.restfulclient: LGPL v3',
      'lazr.uri: LGPL v3',
      'oauthlib: BSD',
      'perf: GPLv2',
      'python-apt: GNU GPL',
      'wadllib: LGPL v3',
    ]);
    expect(
      e.violations
        .filter((v) => v.verdict === 'not allowed')
        .map((v) => `${v.name}: ${v.problem}`)
        .sort(),
    ).toEqual(['PyGObject: not in allow: LGPL-2.0-or-later', 'chardet: not in allow: LGPL-2.0-or-later']);
  });

  it('a pip-installed site-packages (License-Expression lines): every distribution matches its pip freeze line', async () => {
    const site = fixturePath('python-env/pyenv-site-packages');
    const distributions = await readPythonEnvironment(site, root);
    const { inventory, environment } = await generateFor([fixturePath('python-env/pyenv-requirements.txt')], root, {
      distributions,
    });
    expect(environment?.unmatched).toEqual([]);
    expect(inventory.packages.find((p) => p.name === 'numpy')?.licenses).toEqual([
      'BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0',
    ]);
  });
});
