// The floor under any implementation of security-scan on a generated workspace: the least work
// every finding needs, written as directly as JavaScript allows, beside a bare read + JSON.parse.
// Usage: node bench/security-scan/floor.ts <workspace with reports/> (run.ts --keep leaves one).
// Per finding, in the same process and order as the action: a normalised object (6 fields), one
// SHA-256 fingerprint, one Map insert for dedup, then one compact JSON line; the outputs are
// written. No severity mapping, no aliases, no SARIF, no sorting: a lower bound, not a design.
import { hash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ws = process.argv[2];
if (!ws) {
  console.error('usage: node bench/security-scan/floor.ts <workspace with reports/>');
  process.exit(2);
}
type J = Record<string, unknown>;
const list = (v: unknown): J[] => (Array.isArray(v) ? (v as J[]) : []);
interface Minimal { tool: string; rule: string; where: string; line: number; message: string; fingerprint: string }

function step<T>(name: string, fn: () => T): T {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const out = fn();
  const c = process.cpuUsage(cpu);
  console.log(`  ${name.padEnd(40)} ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${((c.user + c.system) / 1e6).toFixed(2)} s CPU`);
  return out;
}

const dir = path.join(ws, 'reports');
const files = readdirSync(dir).sort().map((f) => path.join(dir, f));
const t0 = performance.now();
const c0 = process.cpuUsage();
const docs = step('read + JSON.parse', () => files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as J));
const found = step('minimal objects (6 fields each)', () => {
  const out: Minimal[] = [];
  const add = (tool: string, rule: unknown, where: unknown, line: unknown, message: unknown): void => {
    out.push({ tool, rule: String(rule), where: String(where), line: typeof line === 'number' ? line : 0, message: String(message), fingerprint: '' });
  };
  for (const doc of docs) {
    for (const r of list(doc.results)) {
      if ('test_id' in r) add('bandit', r.test_id, r.filename, r.line_number, r.issue_text);
    }
    for (const run of list(doc.runs)) {
      for (const r of list(run.results)) {
        const loc = ((list(r.locations)[0] ?? {}).physicalLocation ?? {}) as { artifactLocation?: { uri?: string }; region?: { startLine?: number } };
        add('semgrep', r.ruleId, loc.artifactLocation?.uri, loc.region?.startLine, (r.message as J | undefined)?.text);
      }
    }
    for (const d of list(doc.dependencies)) for (const v of list(d.vulns)) add('pip-audit', v.id, `${String(d.name)}@${String(d.version)}`, 0, v.description);
    for (const m of list(doc.matches)) {
      const a = (m.artifact ?? {}) as J;
      const v = (m.vulnerability ?? {}) as J;
      add('grype', v.id, `${String(a.name)}@${String(a.version)}`, 0, v.description);
    }
    for (const r of list(doc.Results)) {
      for (const v of list(r.Vulnerabilities)) add('trivy', v.VulnerabilityID, `${String(v.PkgName)}@${String(v.InstalledVersion)}`, 0, v.Title);
      for (const m of list(r.Misconfigurations)) add('trivy', m.ID, r.Target, (m.CauseMetadata as J | undefined)?.StartLine, m.Title);
      for (const s of list(r.Secrets)) add('trivy', s.RuleID, r.Target, s.StartLine, s.Title);
    }
  }
  docs.length = 0;
  return out;
});
const unique = step('one SHA-256 each + dedup Map', () => {
  const seen = new Map<string, Minimal>();
  for (const f of found) {
    f.fingerprint = hash('sha256', `${f.tool}|${f.rule}|${f.where}|${f.line}`, 'hex').slice(0, 32);
    if (!seen.has(f.fingerprint)) seen.set(f.fingerprint, f);
  }
  return [...seen.values()];
});
const text = step('JSON output, one compact line each', () => {
  const lines = new Array<string>(unique.length);
  for (let i = 0; i < unique.length; i++) lines[i] = JSON.stringify(unique[i]);
  return `{"findings":[\n${lines.join(',\n')}\n]}\n`;
});
step('write it', () => writeFileSync(path.join(tmpdir(), 'security-scan-floor.json'), text));
const c = process.cpuUsage(c0);
console.log(`  ${'floor total'.padEnd(40)} ${((performance.now() - t0) / 1000).toFixed(2)} s wall, ${((c.user + c.system) / 1e6).toFixed(2)} s CPU (${found.length} findings, ${unique.length} unique, ${(text.length / 1e6).toFixed(1)} MB JSON)`);
