import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '@spikeformer-actions/testing';
import { describe, expect, it } from 'vitest';
import { changedSince, dependencySlots, fingerprint, snapshot } from './dependency-surface.js';

// The project never patches a dependency: a patch changes a library for the whole process,
// inside signature verification, and breaks without a word on an upgrade. Nothing of this
// package is imported before the snapshot below; it is loaded and exercised after it.
const here = path.dirname(fileURLToPath(import.meta.url));
const slots = await dependencySlots();
const before = snapshot(slots);

async function exerciseEverything(): Promise<string[]> {
  const sc = await import('../src/index.js');
  const { CASES, expected, fixture, policyFor, publicGoodTrust } = await import('./helpers.js');
  const trust = publicGoodTrust();
  const verdicts: string[] = [];
  for (const c of CASES) {
    const e = expected(c);
    const verifier = new sc.ProvenanceVerifier({ trust, policy: policyFor(e), requireTlog: true });
    const bundles = sc.bundlesFromDocument(
      readFileSync(fixture(`${c}/attestations.json`), 'utf8'),
      'attestations.json',
    );
    const report = await verifier.verifyArtifact(
      { name: e.tarball.file, digests: await sc.digestFile(fixture(`${c}/${e.tarball.file}`)) },
      bundles,
    );
    verdicts.push(report.verdict);
    verdicts.push(
      bundles
        .map((b) => verifier.verifyStandalone(b).verdict)
        .sort()
        .join('+'),
    );
  }
  // A cosign key: scrypt and secretbox of @noble/ciphers.
  const key = await sc.loadSigningKey(
    readFileSync(path.join(here, 'fixtures/cosign-sigstore-hello.key'), 'utf8'),
    'hello',
  );
  verdicts.push(key.fingerprint === sc.publicKeyFingerprint(key.publicKey) ? 'key loaded' : 'key not loaded');
  return verdicts;
}

describe('no module of this package patches a dependency', { timeout: 60_000 }, () => {
  it('watches the functions memo-like patches replace', () => {
    const names = new Set(slots.map((s) => s.name));
    expect(names.has('@sigstore/core/dist/asn1/obj.js.ASN1Obj.prototype.toDER')).toBe(true);
    expect(names.has('@sigstore/core/dist/x509/cert.js.X509Certificate.prototype.verify')).toBe(true);
    expect(names.has('@sigstore/verify/dist/verifier.js.Verifier.prototype.verify')).toBe(true);
    expect(names.has('Buffer.prototype.equals')).toBe(true);
  });

  it('loading and verifying leaves every dependency function as it was (same identity)', async () => {
    const verdicts = await exerciseEverything();
    // The fixtures exercised the real paths: 3 artifacts, 6 standalone bundles (npm publish
    // attestations fail the SLSA policy standalone), one cosign key.
    expect(verdicts).toEqual([
      'verified',
      'failed+verified',
      'verified',
      'failed+verified',
      'verified',
      'failed+verified',
      'key loaded',
    ]);
    expect(changedSince(slots, before)).toEqual([]);
  });

  it("after loading and verifying, the dependencies' functions are those of a fresh process that loaded nothing of ours", async () => {
    await exerciseEverything();
    const fresh = JSON.parse(
      execFileSync(process.execPath, [path.join(here, 'dependency-surface.ts')], { encoding: 'utf8', timeout: 30_000 }),
    ) as Record<string, string>;
    const ours = fingerprint(slots);
    const differing = Object.keys({ ...fresh, ...ours }).filter((k) => fresh[k] !== ours[k]);
    expect(differing).toEqual([]);
    expect(Object.keys(fresh).length).toBe(slots.length);
  });
});

/** Identifiers a module imports from outside the repository: packages and node built-ins. */
function foreignImports(source: string): Set<string> {
  const names = new Set<string>();
  for (const m of source.matchAll(/import\s+(?!type\s)([^'";]+?)\s+from\s+['"]([^'"]+)['"]/g)) {
    const [, clause = '', specifier = ''] = m;
    if (specifier.startsWith('.') || specifier.startsWith('@spikeformer-actions/')) continue;
    for (const part of clause.replace(/[{}]/g, ',').split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()
        ?.replace(/^\*\s*/, '')
        .trim();
      if (name && /^[A-Za-z_$][\w$]*$/.test(name)) names.add(name);
    }
  }
  return names;
}

/**
 * Writes to the prototype of something imported from a package or a built-in:
 * `X.prototype.m = …`, `X.prototype[k] = …`, or X.prototype handed to Object.defineProperty,
 * defineProperties, assign, setPrototypeOf, Reflect.set or Reflect.defineProperty.
 */
function prototypeWrites(source: string): string[] {
  const foreign = foreignImports(source);
  const hits: string[] = [];
  const base = String.raw`([A-Za-z_$][\w$]*)(?:\.[A-Za-z_$][\w$]*)*\.prototype`;
  const patterns = [
    new RegExp(String.raw`\b${base}(?:\.[A-Za-z_$][\w$]*|\[[^\]]+\])\s*(?:=(?!=)|\+=|\|\|=|\?\?=)`, 'g'),
    new RegExp(
      String.raw`\b(?:Object\.(?:defineProperty|defineProperties|assign|setPrototypeOf)|Reflect\.(?:set|defineProperty))\(\s*${base}\b`,
      'g',
    ),
  ];
  for (const re of patterns) {
    for (const m of source.matchAll(re)) if (m[1] && foreign.has(m[1])) hits.push(m[0].replace(/\s+/g, ' '));
  }
  return hits;
}

function sourceFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(?:ts|mts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts'))
      .map((e) => path.join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

describe('no source file of the repository writes to a dependency prototype', () => {
  it('finds the writes a patch makes', () => {
    const patch = [
      "import { ASN1Obj, X509Certificate } from '@sigstore/core';",
      "import * as core from '@sigstore/core';",
      'ASN1Obj.prototype.toDER = function memoised() {};',
      'X509Certificate.prototype["verify"] = () => true;',
      "Object.defineProperty(core.X509Certificate.prototype, 'verify', { value: () => true });",
      "Reflect.set(ASN1Obj.prototype, 'toDER', () => Buffer.alloc(0));",
      'if (ASN1Obj.prototype.toDER === undefined) throw new Error();',
    ].join('\n');
    expect(prototypeWrites(patch)).toEqual([
      'ASN1Obj.prototype.toDER =',
      'X509Certificate.prototype["verify"] =',
      'Object.defineProperty(core.X509Certificate.prototype',
      'Reflect.set(ASN1Obj.prototype',
    ]);
    // Our own classes are ours to shape.
    expect(prototypeWrites("import { Own } from './own.js';\nOwn.prototype.x = 1;")).toEqual([]);
  });

  it('in packages/*/src and actions/*/src', () => {
    const roots = ['packages', 'actions'].flatMap((top) =>
      readdirSync(path.join(repoRoot, top)).map((name) => path.join(repoRoot, top, name, 'src')),
    );
    const files = roots.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(100);
    const writes = files.flatMap((f) =>
      prototypeWrites(readFileSync(f, 'utf8')).map((w) => `${path.relative(repoRoot, f)}: ${w}`),
    );
    expect(writes).toEqual([]);
  });
});
