// In-process phase timings of security-scan on a generated workspace (used by run.ts --phases).
// Usage: node bench/security-scan/phases.ts <workspace> — loads the action's TypeScript sources
// directly (a resolve hook maps their `.js` specifiers to `.ts`), so no bundle is needed.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../actions/security-scan/src');
registerHooks({
  resolve(specifier, context, next) {
    if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.startsWith(pathToFileURL(src).href)) {
      const ts = fileURLToPath(new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL));
      if (existsSync(ts)) return next(pathToFileURL(ts).href, context);
    }
    return next(specifier, context);
  },
});

const ws = process.argv[2];
if (!ws) {
  console.error('usage: node bench/security-scan/phases.ts <workspace with reports/>');
  process.exit(2);
}
process.env.GITHUB_WORKSPACE = ws;
const { loadReports, workspaceLines } = (await import(pathToFileURL(path.join(src, 'load-reports.ts')).href)) as typeof import('../../actions/security-scan/src/load-reports.ts');
const { analyse } = (await import(pathToFileURL(path.join(src, 'analyse.ts')).href)) as typeof import('../../actions/security-scan/src/analyse.ts');
const { buildSarif } = (await import(pathToFileURL(path.join(src, 'sarif-out.ts')).href)) as typeof import('../../actions/security-scan/src/sarif-out.ts');
const { renderJsonChunks } = (await import(pathToFileURL(path.join(src, 'json-out.ts')).href)) as typeof import('../../actions/security-scan/src/json-out.ts');

function phase<T>(name: string, fn: () => T): T {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const out = fn();
  const c = process.cpuUsage(cpu);
  console.log(`  ${name.padEnd(34)} ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${((c.user + c.system) / 1e6).toFixed(2)} s CPU`);
  return out;
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const loaded = await loadReports([{ pattern: 'reports/*' }], [], 1024 ** 3);
const c0 = process.cpuUsage(cpu0);
console.log(`  ${'read + parse + normalise reports'.padEnd(34)} ${((performance.now() - t0) / 1000).toFixed(2)} s wall, ${((c0.user + c0.system) / 1e6).toFixed(2)} s CPU (${loaded.raw.length} findings)`);
const a = phase('fingerprint, dedup, gate', () => analyse(loaded.raw, { failOn: 'none', newOnly: false, today: '2026-01-01', lines: workspaceLines(ws), suppressions: [] }));
const sarif = phase('SARIF (limits, gzip check)', () => buildSarif(a.active.map((finding) => ({ finding })), { toolVersion: 'bench' }));
const bytes = phase('JSON output text', () => {
  let n = 0;
  for (const chunk of renderJsonChunks(a, { generatedAt: new Date().toISOString(), failOn: 'none', newOnly: false, reports: loaded.records })) n += chunk.length;
  return n;
});
console.log(`  (${a.active.length} findings after dedup, SARIF ${(sarif.text.length / 1e6).toFixed(1)} MB, JSON ${(bytes / 1e6).toFixed(1)} MB; writing the files is not included)`);
