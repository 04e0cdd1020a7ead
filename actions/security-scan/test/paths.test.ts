import { describe, expect, it } from 'vitest';
import {
  canonicalVulnId,
  ghsaFromUrl,
  nameFromPurl,
  normaliseCwe,
  normalisePackageName,
  parsePurl,
} from '../src/identifiers.js';
import { placePath } from '../src/paths.js';

const ROOT = '/work/repo';

describe('placePath', () => {
  it.each([
    ['src/a.py', 'src/a.py', true],
    ['./src/a.py', 'src/a.py', true],
    ['src//a.py', 'src/a.py', true],
    ['src/./a.py', 'src/a.py', true],
    ['src/../a.py', 'a.py', true],
    ['src/a b.py', 'src/a b.py', true],
    ['..', '..', false],
    ['../x.py', '../x.py', false],
    ['src/../../x.py', 'src/../../x.py', false],
    ['/work/repo/lib/x.js', 'lib/x.js', true],
    ['file:///work/repo/lib/x.js', 'lib/x.js', true],
    ['file:///home/runner/work/app/app/lib/gate.js', 'lib/gate.js', true],
    ['/github/workspace/src/x.py', 'src/x.py', true],
    ['/__w/app/app/src/x.py', 'src/x.py', true],
    ['C:\\a\\app\\app\\src\\x.cs', 'src/x.cs', true],
    ['src\\win\\x.cs', 'src/win/x.cs', true],
    ['/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libc.so.6', false],
    ['file:///work/repo/with%20space.py', 'with space.py', true],
  ])('%s → %s (in workspace: %s)', (reported, expected, inside) => {
    expect(placePath(reported, ROOT)).toEqual({ path: expected, inWorkspace: inside });
  });
});

describe('identifiers', () => {
  it('picks the lowest CVE, else the first GHSA, whatever the order', () => {
    expect(canonicalVulnId(['PYSEC-2021-108', 'GHSA-q2q7-5pp4-w6pg', 'CVE-2021-33503'])).toBe('CVE-2021-33503');
    expect(canonicalVulnId(['CVE-2021-9999', 'CVE-2020-10000', 'CVE-2020-9999'])).toBe('CVE-2020-9999');
    expect(canonicalVulnId(['PYSEC-1', 'GHSA-xxxx-yyyy-zzzz'])).toBe('GHSA-xxxx-yyyy-zzzz');
  });
  it('normalises CWEs, package names, purls and advisory URLs', () => {
    expect(
      ['CWE-79', '79', 'CWE-696: Incorrect Behavior Order', 'external/cwe/cwe-079', 'CWE-', 'A3: Sensitive'].map(
        normaliseCwe,
      ),
    ).toEqual(['CWE-79', 'CWE-79', 'CWE-696', 'CWE-79', undefined, undefined]);
    expect(normalisePackageName('pypi', 'Zope.Interface_X')).toBe('zope-interface-x');
    expect(nameFromPurl(parsePurl('pkg:maven/org.apache.commons/commons-compress@1.14'))).toBe(
      'org.apache.commons:commons-compress',
    );
    expect(parsePurl('pkg:deb/debian/libc6@2.28-10?arch=amd64')).toEqual({
      type: 'deb',
      namespace: 'debian',
      name: 'libc6',
      version: '2.28-10',
    });
    expect(ghsaFromUrl('https://github.com/advisories/GHSA-GXPJ-cx7g-858c')).toBe('GHSA-gxpj-cx7g-858c');
  });
});
