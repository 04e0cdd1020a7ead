// In-process phase timings of security-scan on a generated workspace (used by run.ts --phases).
// Usage: node bench/security-scan/phases.ts <workspace> — loads the action's TypeScript sources
// directly (a resolve hook maps their `.js` specifiers to `.ts`), so no bundle is needed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import type * as LoadReports from '../../actions/security-scan/src/load-reports.ts';
import type * as Detect from '../../actions/security-scan/src/parsers/detect.ts';
import type * as Merge from '../../actions/security-scan/src/merge.ts';
import type * as Analyse from '../../actions/security-scan/src/analyse.ts';
import type * as SarifOut from '../../actions/security-scan/src/sarif-out.ts';
import type * as JsonOut from '../../actions/security-scan/src/json-out.ts';
import type { RawFinding } from '../../actions/security-scan/src/model.ts';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../actions/security-scan/src');
registerHooks({
  resolve(specifier, context, next) {
    if (
      specifier.startsWith('.') &&
      specifier.endsWith('.js') &&
      context.parentURL?.startsWith(pathToFileURL(src).href)
    ) {
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
const mod = async <T>(name: string): Promise<T> => (await import(pathToFileURL(path.join(src, name)).href)) as T;
const { workspaceLines } = await mod<typeof LoadReports>('load-reports.ts');
const { parseReport } = await mod<typeof Detect>('parsers/detect.ts');
const { mergeFindings } = await mod<typeof Merge>('merge.ts');
const { analyse } = await mod<typeof Analyse>('analyse.ts');
const { buildSarifAsync } = await mod<typeof SarifOut>('sarif-out.ts');
const { renderJsonBody } = await mod<typeof JsonOut>('json-out.ts');

function phase<T>(name: string, fn: () => T): T {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const out = fn();
  const c = process.cpuUsage(cpu);
  console.log(
    `  ${name.padEnd(34)} ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${((c.user + c.system) / 1e6).toFixed(2)} s CPU`,
  );
  return out;
}

const dir = path.join(ws, 'reports');
const files = readdirSync(dir)
  .sort()
  .map((f) => path.join(dir, f));
const texts = phase('read files (UTF-8)', () => files.map((f) => readFileSync(f, 'utf8')));
const docs = phase('JSON.parse', () => texts.map((t) => JSON.parse(t) as unknown));
texts.length = 0;
const raw = phase('normalise (parsers)', () => {
  const out: RawFinding[] = [];
  docs.forEach((doc, i) => {
    for (const f of parseReport(doc, { report: path.relative(ws, files[i] ?? ''), root: ws }).findings) out.push(f);
  });
  return out;
});
docs.length = 0;
phase('fingerprint + dedup alone (merge)', () => mergeFindings(raw, workspaceLines(ws)).findings.length);
const a = phase('merge + suppress + sort + gate', () =>
  analyse(raw, { failOn: 'none', newOnly: false, today: '2026-01-01', lines: workspaceLines(ws), suppressions: [] }),
);
const c1 = process.cpuUsage();
const t1 = performance.now();
// As the action does it: the gzip size check runs in the thread pool (its CPU is counted here too).
const sarif = await buildSarifAsync(
  a.active.map((finding) => ({ finding })),
  { toolVersion: 'bench' },
  () => undefined,
);
const cc1 = process.cpuUsage(c1);
console.log(
  `  ${'SARIF (limits, gzip check)'.padEnd(34)} ${((performance.now() - t1) / 1000).toFixed(2)} s wall, ${((cc1.user + cc1.system) / 1e6).toFixed(2)} s CPU`,
);
const bytes = phase('JSON output body', () => {
  let n = 0;
  for (const chunk of renderJsonBody(a)) n += chunk.length;
  return n;
});
console.log(
  `  (${raw.length} findings, ${a.active.length} after dedup, SARIF ${(sarif.chunks.reduce((n, c) => n + c.length, 0) / 1e6).toFixed(1)} MB, JSON ${(bytes / 1e6).toFixed(1)} MB; writing the files is not included)`,
);
