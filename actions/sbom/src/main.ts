import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import path from 'node:path';
import {
  code,
  group,
  httpRequest,
  info,
  parseXmlText,
  setOutput,
  Summary,
  UserError,
  warning,
  workspaceRelative,
  workspaceRoot,
} from '@spikeformer-actions/core';
import { TOOL_GROUP, TOOL_NAME, TOOL_VERSION } from './bom.js';
import { discoverLockfiles } from './discover.js';
import { type Inputs, readInputs } from './inputs.js';
import type { MergedInventory } from './merge.js';
import type { LockfileReport } from './model.js';
import { projectIdentity } from './project.js';
import { generate } from './pipeline.js';
import { type InventoryStats, inventoryStats } from './report.js';
import { InvalidBomError } from './serialize.js';
import { buildSnapshot } from './submission.js';

const MAX_LISTED = 50;

function logRead(report: LockfileReport): void {
  info(`${report.file}: ${report.format}, ${report.packages.length} packages${report.hasGraph ? '' : ' (no dependency graph in this format)'}`);
  for (const note of (report.notes ?? []).slice(0, MAX_LISTED)) info(`  ${note.text}`);
}

function reportProblems(inventory: MergedInventory): void {
  for (const c of inventory.conflicts.slice(0, MAX_LISTED)) warning(`conflicting duplicate ${c.purl}: ${c.problem}`, { file: c.files[0] ?? '', title: 'sbom: conflicting duplicate' });
  for (const u of inventory.unresolved.slice(0, MAX_LISTED)) {
    warning(`${u.file}: could not resolve ${u.name}: ${u.reason}`, { file: u.file, ...(u.line === undefined ? {} : { line: u.line }), title: 'sbom: unresolved' });
  }
  const hidden = Math.max(0, inventory.conflicts.length - MAX_LISTED) + Math.max(0, inventory.unresolved.length - MAX_LISTED);
  if (hidden > 0) warning(`${hidden} more conflicts/unresolved entries are listed in the job summary`);
}

function writeSummary(stats: InventoryStats, inventory: MergedInventory, inputs: Inputs, sbomFile: string, edges: number, submitted: string | undefined): void {
  const s = new Summary().heading('SBOM (CycloneDX)');
  s.paragraph(code(sbomFile), ` — CycloneDX ${inputs.specVersion} ${inputs.format.toUpperCase()}, schema-validated${inputs.reproducible ? ', reproducible' : ''}; ${edges} dependency edges.`);
  s.table(
    ['ecosystem', 'components', 'direct', 'transitive', 'dev', 'optional', 'with hashes', 'with licenses'],
    stats.ecosystems.map((e) => [e.ecosystem, e.components, e.direct, e.transitive, e.dev, e.optional, e.withHashes, e.withLicenses]),
  );
  s.table(['lockfile', 'format', 'components', 'dependency graph'], stats.lockfiles.map((l) => [l.file, l.format, l.components, l.graph ? 'yes' : 'no (not in this format)']));
  if (stats.licenses.length > 0) {
    s.details(`Licenses found (${stats.licenses.length})`, new Summary().table(['license', 'components'], stats.licenses.slice(0, 200)));
  } else {
    s.paragraph('No licenses: none of these lockfiles records them.');
  }
  if (inventory.unresolved.length > 0) {
    s.details(
      `Could not be resolved (${inventory.unresolved.length})`,
      new Summary().table(['file', 'line', 'package', 'why'], inventory.unresolved.slice(0, 500).map((u) => [u.file, u.line ?? '', u.name, u.reason])),
      true,
    );
  }
  if (inventory.conflicts.length > 0) {
    s.details(`Conflicting duplicates (${inventory.conflicts.length})`, new Summary().table(['purl', 'problem'], inventory.conflicts.slice(0, 500).map((c) => [c.purl, c.problem])), true);
  }
  if (submitted !== undefined) s.paragraph(`Dependency graph: ${submitted}`);
  s.write();
}

async function submit(inventory: MergedInventory, token: string): Promise<string> {
  const env = process.env;
  const repository = env['GITHUB_REPOSITORY'];
  const sha = env['GITHUB_SHA'];
  const ref = env['GITHUB_REF'];
  if (!repository || !sha || !ref) throw new UserError("Input 'token': submitting to the dependency graph needs GITHUB_REPOSITORY, GITHUB_SHA and GITHUB_REF (run it inside GitHub Actions)");
  const api = (env['GITHUB_API_URL'] ?? 'https://api.github.com').replace(/\/+$/, '');
  const snapshot = buildSnapshot(inventory, {
    sha,
    ref,
    correlator: `${env['GITHUB_WORKFLOW'] ?? 'workflow'} ${env['GITHUB_JOB'] ?? 'job'} sbom`,
    runId: env['GITHUB_RUN_ID'] ?? '0',
    scanned: new Date().toISOString(),
    detector: { name: `${TOOL_GROUP}/${TOOL_NAME}`, version: TOOL_VERSION, url: `${env['GITHUB_SERVER_URL'] ?? 'https://github.com'}/${repository}` },
  });
  const response = await httpRequest(`${api}/repos/${repository}/dependency-graph/snapshots`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'content-type': 'application/json',
      'user-agent': `${TOOL_GROUP}-${TOOL_NAME}`,
    },
    body: JSON.stringify(snapshot),
    attempts: 3,
    connectTimeoutMs: 10_000,
    readTimeoutMs: 30_000,
    secrets: [token],
  });
  if (response.status < 200 || response.status >= 300) {
    throw new UserError(`dependency submission failed: HTTP ${response.status} ${response.text().slice(0, 300)}`);
  }
  const body = response.json();
  const id = typeof body === 'object' && body !== null && 'id' in body ? String((body as { id: unknown }).id) : '?';
  return `snapshot ${id} submitted (${Object.values(snapshot.manifests).reduce((n, m) => n + Object.keys(m.resolved).length, 0)} packages)`;
}

export async function run(): Promise<void> {
  const inputs = readInputs();
  const root = workspaceRoot();
  const files = await discoverLockfiles(inputs.path, inputs.exclude, root);
  if (files.length === 0) throw new UserError(`Input 'path': no lockfile found under '${workspaceRelative(inputs.path, root) || '.'}'`);
  let componentName = inputs.componentName;
  let componentVersion = inputs.componentVersion;
  if (files.length > 1 && componentName === undefined) {
    // Several lockfiles: the subject is the project in path (its pyproject.toml or package.json).
    const dir = statSync(inputs.path).isDirectory() ? inputs.path : path.dirname(inputs.path);
    const id = await projectIdentity(dir);
    componentName = id.name ?? (path.basename(dir) || 'project');
    componentVersion ??= id.version;
  }
  const { inventory, serialized } = await group(`Reading ${files.length} lockfile(s)`, () =>
    generate(
      files,
      root,
      {
        includeDev: inputs.includeDev,
        componentName,
        componentVersion,
        timestamp: inputs.reproducible ? undefined : new Date(),
        serialNumber: inputs.reproducible ? undefined : `urn:uuid:${randomUUID()}`,
        specVersion: inputs.specVersion,
        format: inputs.format,
      },
      logRead,
    ),
  );
  reportProblems(inventory);
  const shownOutput = workspaceRelative(inputs.output, root);
  if (inputs.format === 'xml') {
    try {
      parseXmlText(serialized.text, shownOutput, {});
    } catch (error) {
      throw new InvalidBomError(`the XML form is not well-formed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  await mkdir(path.dirname(inputs.output), { recursive: true });
  await writeFile(inputs.output, serialized.text);

  const stats = inventoryStats(inventory);
  const { components, dependencies } = serialized.counts;
  info(`wrote ${shownOutput}: ${components} components, ${dependencies} dependency edges (CycloneDX ${inputs.specVersion} ${inputs.format}, validated)`);
  setOutput('sbom-file', shownOutput);
  setOutput('components', String(components));
  setOutput('dependencies', String(dependencies));

  let submitted: string | undefined;
  if (inputs.token !== '') {
    submitted = await submit(inventory, inputs.token);
    info(`dependency graph: ${submitted}`);
  }
  writeSummary(stats, inventory, inputs, shownOutput, dependencies, submitted);
}
