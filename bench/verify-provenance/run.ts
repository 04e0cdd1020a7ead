// Offline verifications per second on the real npm provenance fixtures.
// Usage: node bench/verify-provenance/run.ts [seconds-per-case=3]
// Needs packages/supply-chain built (pnpm --filter @spikeformer-actions/supply-chain build).
// One verification = parse the attestations document, hash the tarball (sha256+sha512), verify
// every bundle covering it (certificate chain, SCT, transparency log, DSSE signature; the npm
// publish bundle against npm's key) and evaluate the policy — what the action does per artifact.
// Then one run over a bundle set: the three artifacts checked by one verifier against every
// bundle of the fixtures, each SLSA bundle present twice (attestations.json and
// provenance.sigstore.json), as when a workflow passes both files.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as SupplyChain from '../../packages/supply-chain/lib/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lib = path.join(repoRoot, 'packages/supply-chain/lib/index.js');
const sc = (await import(lib)) as typeof SupplyChain;
const fixtures = path.resolve(repoRoot, 'fixtures/provenance');
const seconds = Math.min(60, Math.max(0.5, Number(process.argv[2] ?? 3)));

const root = sc.parseTrustedRoot(JSON.parse(readFileSync(path.join(fixtures, 'trusted_root.json'), 'utf8')));
const keys = sc.npmRegistryKeys(JSON.parse(readFileSync(path.join(fixtures, 'npm_registry_keys.json'), 'utf8')));
const trust = sc.buildTrustMaterial(root, keys);

const cases = ['sigstore@1.0.0', 'gundam-visor@1.0.1', '@laurentsimon__provenance-npm-test@1.0.5'];
// CPU time as well as wall time: on a shared machine the wall clock counts other processes' work;
// verifications per CPU-second is the per-core figure.
const rows: {
  case: string;
  verifications: number;
  bundlesEach: number;
  perWallSecond: number;
  perCpuSecond: number;
  bundlesPerCpuSecond: number;
  cpuMsEach: number;
}[] = [];
let total = 0;
let totalBundles = 0;
let totalMs = 0;
let totalCpuMs = 0;
for (const c of cases) {
  const expected = JSON.parse(readFileSync(path.join(fixtures, c, 'expected.json'), 'utf8')) as {
    tarball: { file: string };
    provenance: { sourceRepository: string; sourceRef: string; builderId: string; certificateIdentity: string };
  };
  const doc = readFileSync(path.join(fixtures, c, 'attestations.json'), 'utf8');
  const tarball = readFileSync(path.join(fixtures, c, expected.tarball.file));
  const policy = {
    predicateType: 'slsa-provenance',
    certificateOidcIssuer: sc.GITHUB_OIDC_ISSUER,
    sourceRepository: expected.provenance.sourceRepository,
    sourceRef: expected.provenance.sourceRef,
    builderId: expected.provenance.builderId,
    signerWorkflow: expected.provenance.certificateIdentity,
  };
  const once = async (): Promise<number> => {
    // A fresh verifier each time: no result is cached between verifications.
    const verifier = new sc.ProvenanceVerifier({ trust, policy, requireTlog: true });
    const report = await verifier.verifyArtifact(
      { name: expected.tarball.file, digests: sc.digestBytes(tarball) },
      sc.bundlesFromDocument(doc, 'attestations.json'),
    );
    if (report.verdict !== 'verified')
      throw new Error(`${c} did not verify: ${report.failures.map(sc.formatFailure).join('; ')}`);
    return verifier.signatureCounts.verified;
  };
  let bundlesEach = 0;
  for (let i = 0; i < 20; i++) bundlesEach = await once(); // warm-up (JIT)
  let n = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline && n < 1_000_000) {
    await once();
    n++;
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  rows.push({
    case: c,
    verifications: n,
    bundlesEach,
    perWallSecond: Math.round((n / ms) * 1000),
    perCpuSecond: Math.round((n / cpuMs) * 1000),
    bundlesPerCpuSecond: Math.round(((n * bundlesEach) / cpuMs) * 1000),
    cpuMsEach: Number((cpuMs / n).toFixed(2)),
  });
  total += n;
  totalBundles += n * bundlesEach;
  totalMs += ms;
  totalCpuMs += cpuMs;
}
console.table(rows);
console.log(
  `overall: ${((total / totalCpuMs) * 1000).toFixed(0)} verifications (${((totalBundles / totalCpuMs) * 1000).toFixed(0)} bundles) per CPU-second (one core), ${((total / totalMs) * 1000).toFixed(0)}/s wall clock; node ${process.version}, load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores`,
);

// One run over a bundle set: a bundle read twice is verified once.
const set = cases.map((c) => {
  const expected = JSON.parse(readFileSync(path.join(fixtures, c, 'expected.json'), 'utf8')) as {
    tarball: { file: string };
  };
  const read = (file: string): string => readFileSync(path.join(fixtures, c, file), 'utf8');
  return {
    name: expected.tarball.file,
    digests: sc.digestBytes(readFileSync(path.join(fixtures, c, expected.tarball.file))),
    bundles: [
      ...sc.bundlesFromDocument(read('attestations.json'), `${c}/attestations.json`),
      ...sc.bundlesFromDocument(read('provenance.sigstore.json'), `${c}/provenance.sigstore.json`),
    ],
  };
});
const allBundles = set.flatMap((a) => a.bundles);
const setRun = async (): Promise<{ verified: number; reused: number }> => {
  // Any SLSA provenance signed by a GitHub workflow: the set spans three repositories.
  const verifier = new sc.ProvenanceVerifier({
    trust,
    policy: { predicateType: 'slsa-provenance', certificateOidcIssuer: sc.GITHUB_OIDC_ISSUER },
    requireTlog: true,
  });
  for (const a of set) {
    const report = await verifier.verifyArtifact({ name: a.name, digests: a.digests }, allBundles);
    if (report.verdict !== 'verified')
      throw new Error(`${a.name} did not verify in the set: ${report.failures.map(sc.formatFailure).join('; ')}`);
  }
  return verifier.signatureCounts;
};
let counts = { verified: 0, reused: 0 };
for (let i = 0; i < 5; i++) counts = await setRun();
let runs = 0;
const setCpu0 = process.cpuUsage();
const setDeadline = performance.now() + seconds * 1000;
while (performance.now() < setDeadline && runs < 1_000_000) {
  await setRun();
  runs++;
}
const setCpu = process.cpuUsage(setCpu0);
const setCpuMs = (setCpu.user + setCpu.system) / 1000;
console.log(
  `one run over a bundle set (${set.length} artifacts, ${allBundles.length} bundles, ${counts.verified} verified by @sigstore/verify, ${counts.reused} answered from an earlier outcome): ${(setCpuMs / runs).toFixed(2)} CPU-ms per run, ${(((runs * allBundles.length) / setCpuMs) * 1000).toFixed(0)} bundles per CPU-second`,
);
