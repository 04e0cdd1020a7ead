import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import path from 'node:path';
import {
  code,
  GateFailure,
  group,
  info,
  notice,
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
import type { LicenseEvaluation } from './licenses/evaluate.js';
import type { InstalledDistribution } from './licenses/python-env.js';
import type { addLicenseSummary as AddLicenseSummary } from './licenses/report.js';
import type { MergedInventory } from './merge.js';
import type { LockfileReport } from './model.js';
import { projectIdentity } from './project.js';
import { generate } from './pipeline.js';
import { type InventoryStats, inventoryStats } from './report.js';
import { InvalidBomError } from './serialize.js';
import { planSubmission, type SubmissionTarget } from './submission-plan.js';

const MAX_LISTED = 50;

function logRead(report: LockfileReport): void {
  info(
    `${report.file}: ${report.format}, ${report.packages.length} packages${report.hasGraph ? '' : ' (no dependency graph in this format)'}`,
  );
  for (const note of (report.notes ?? []).slice(0, MAX_LISTED)) info(`  ${note.text}`);
}

function reportProblems(inventory: MergedInventory): void {
  for (const c of inventory.conflicts.slice(0, MAX_LISTED))
    warning(`conflicting duplicate ${c.purl}: ${c.problem}`, {
      file: c.files[0] ?? '',
      title: 'sbom: conflicting duplicate',
    });
  for (const u of inventory.unresolved.slice(0, MAX_LISTED)) {
    warning(`${u.file}: could not resolve ${u.name}: ${u.reason}`, {
      file: u.file,
      ...(u.line === undefined ? {} : { line: u.line }),
      title: 'sbom: unresolved',
    });
  }
  const hidden =
    Math.max(0, inventory.conflicts.length - MAX_LISTED) + Math.max(0, inventory.unresolved.length - MAX_LISTED);
  if (hidden > 0) warning(`${hidden} more conflicts/unresolved entries are listed in the job summary`);
}

interface LicenseOutcome {
  evaluation: LicenseEvaluation;
  source: string;
  /** The summary section's writer (its module is loaded only with a policy). */
  addSummary: typeof AddLicenseSummary;
}

function describeFormat(inputs: Inputs, upper = true): string {
  return inputs.format === 'spdx-json'
    ? 'SPDX 2.3 JSON'
    : `CycloneDX ${inputs.specVersion} ${upper ? inputs.format.toUpperCase() : inputs.format}`;
}

function writeSummary(
  stats: InventoryStats,
  inventory: MergedInventory,
  inputs: Inputs,
  sbomFile: string,
  edges: number,
  submitted: string | undefined,
  licenses: LicenseOutcome | undefined,
): void {
  const s = new Summary().heading(inputs.format === 'spdx-json' ? 'SBOM (SPDX)' : 'SBOM (CycloneDX)');
  s.paragraph(
    code(sbomFile),
    ` — ${describeFormat(inputs)}, schema-validated${inputs.reproducible ? ', reproducible' : ''}; ${edges} dependency edges.`,
  );
  if (licenses) licenses.addSummary(s, licenses.evaluation, licenses.source);
  s.table(
    ['ecosystem', 'components', 'direct', 'transitive', 'dev', 'optional', 'with hashes', 'with licenses'],
    stats.ecosystems.map((e) => [
      e.ecosystem,
      e.components,
      e.direct,
      e.transitive,
      e.dev,
      e.optional,
      e.withHashes,
      e.withLicenses,
    ]),
  );
  s.table(
    ['lockfile', 'format', 'components', 'dependency graph'],
    stats.lockfiles.map((l) => [l.file, l.format, l.components, l.graph ? 'yes' : 'no (not in this format)']),
  );
  if (stats.licenses.length > 0) {
    s.details(
      `Licenses found (${stats.licenses.length})`,
      new Summary().table(['license', 'components'], stats.licenses.slice(0, 200)),
    );
  } else {
    s.paragraph('No licenses: none of these lockfiles records them.');
  }
  if (inventory.unresolved.length > 0) {
    s.details(
      `Could not be resolved (${inventory.unresolved.length})`,
      new Summary().table(
        ['file', 'line', 'package', 'why'],
        inventory.unresolved.slice(0, 500).map((u) => [u.file, u.line ?? '', u.name, u.reason]),
      ),
      true,
    );
  }
  if (inventory.conflicts.length > 0) {
    s.details(
      `Conflicting duplicates (${inventory.conflicts.length})`,
      new Summary().table(
        ['purl', 'problem'],
        inventory.conflicts.slice(0, 500).map((c) => [c.purl, c.problem]),
      ),
      true,
    );
  }
  if (submitted !== undefined) s.paragraph(`Dependency graph: ${submitted}`);
  s.write();
}

/** Builds the snapshot and submits it; a refusal is a warning, or with dependency-submission: true the failure returned. */
async function submit(
  inventory: MergedInventory,
  target: SubmissionTarget,
  token: string,
  required: boolean,
): Promise<{ summary: string; failure?: string }> {
  const { buildSnapshot } = await import('./submission.js');
  const { submitSnapshot } = await import('./submit-snapshot.js');
  const snapshot = buildSnapshot(inventory, {
    sha: target.sha,
    ref: target.ref,
    correlator: target.correlator,
    runId: target.runId,
    htmlUrl: `${target.serverUrl}/${target.owner}/${target.repo}/actions/runs/${target.runId}`,
    scanned: new Date().toISOString(),
    detector: {
      name: `${TOOL_GROUP}/${TOOL_NAME}`,
      version: TOOL_VERSION,
      url: `${target.serverUrl}/${target.owner}/${target.repo}`,
    },
  });
  const packages = Object.values(snapshot.manifests).reduce((n, m) => n + Object.keys(m.resolved).length, 0);
  const outcome = await submitSnapshot(snapshot, target, token);
  if (outcome.ok) {
    const text = `snapshot ${outcome.id} submitted (${packages} packages, correlator '${target.correlator}')`;
    info(`dependency graph: ${text}`);
    return { summary: text };
  }
  if (required) return { summary: `not submitted: ${outcome.text}`, failure: outcome.text };
  warning(outcome.text, { title: 'sbom: dependency submission' });
  return { summary: `not submitted: ${outcome.text}` };
}

export async function run(): Promise<void> {
  const inputs = readInputs();
  const plan = planSubmission(inputs.dependencySubmission, inputs.githubToken, inputs.correlator, process.env);
  const root = workspaceRoot();
  // Read and checked before anything is written: a bad policy or environment stops the run here.
  // The license modules (and the SPDX license list they parse with) load only when asked for.
  const policy =
    inputs.licensePolicy.trim() === ''
      ? undefined
      : await (await import('./licenses/read-policy.js')).readLicensePolicy(inputs.licensePolicy);
  let distributions: InstalledDistribution[] | undefined;
  if (inputs.pythonEnvironment !== '')
    distributions = await (
      await import('./licenses/python-env.js')
    ).readPythonEnvironment(inputs.pythonEnvironment, root);
  const files = await discoverLockfiles(inputs.path, inputs.exclude, root);
  if (files.length === 0)
    throw new UserError(`Input 'path': no lockfile found under '${workspaceRelative(inputs.path, root) || '.'}'`);
  let componentName = inputs.componentName;
  let componentVersion = inputs.componentVersion;
  if (files.length > 1 && componentName === undefined) {
    // Several lockfiles: the subject is the project in path (its pyproject.toml or package.json).
    const dir = statSync(inputs.path).isDirectory() ? inputs.path : path.dirname(inputs.path);
    const id = await projectIdentity(dir);
    componentName = id.name ?? (path.basename(dir) || 'project');
    componentVersion ??= id.version;
  }
  const { inventory, bom, serialized, environment } = await group(`Reading ${files.length} lockfile(s)`, () =>
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
        format: inputs.format === 'xml' ? 'xml' : 'json',
        ...(distributions === undefined ? {} : { distributions }),
      },
      logRead,
    ),
  );
  reportProblems(inventory);
  if (environment) {
    info(
      `${workspaceRelative(inputs.pythonEnvironment, root) || '.'}: ${environment.distributions} installed distributions, licenses put on ${environment.matched} components; ${environment.unmatched.length} in no lockfile`,
    );
  }
  const shownOutput = workspaceRelative(inputs.output, root);
  let text = serialized.text;
  if (inputs.format === 'spdx-json') {
    const { buildSpdx, registryDownloads } = await import('./spdx/document.js');
    const { assertValidSpdx } = await import('./spdx/validate.js');
    const spdx = buildSpdx(bom, {
      created: inputs.reproducible ? undefined : new Date(),
      uuid: inputs.reproducible ? undefined : randomUUID(),
      downloads: registryDownloads(inventory.packages),
    });
    assertValidSpdx(spdx);
    text = `${JSON.stringify(spdx, null, 2)}\n`;
  }
  if (inputs.format === 'xml') {
    try {
      parseXmlText(serialized.text, shownOutput, {});
    } catch (error) {
      throw new InvalidBomError(
        `the XML form is not well-formed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  await mkdir(path.dirname(inputs.output), { recursive: true });
  await writeFile(inputs.output, text);

  const stats = inventoryStats(inventory);
  const { components, dependencies } = serialized.counts;
  info(
    `wrote ${shownOutput}: ${components} components, ${dependencies} dependency edges (${describeFormat(inputs, false)}, validated)`,
  );
  setOutput('sbom-file', shownOutput);
  setOutput('components', String(components));
  setOutput('dependencies', String(dependencies));

  let licenses: LicenseOutcome | undefined;
  if (policy) {
    const { evaluateLicenses } = await import('./licenses/evaluate.js');
    const { addLicenseSummary, logLicenseWarnings } = await import('./licenses/report.js');
    const evaluation = evaluateLicenses(inventory.packages, policy.policy, {
      includeDev: inputs.includeDev,
      today: new Date().toISOString().slice(0, 10),
    });
    licenses = { evaluation, source: policy.source, addSummary: addLicenseSummary };
    logLicenseWarnings(evaluation);
    info(
      `license policy: ${evaluation.status}, ${evaluation.violations.length} violation(s) among ${evaluation.judged} packages`,
    );
  }
  setOutput('license-violations', String(licenses?.evaluation.violations.length ?? 0));
  setOutput('status', licenses?.evaluation.status ?? 'passed');

  let submission: { summary: string; failure?: string } | undefined;
  if (plan.kind === 'submit') submission = await submit(inventory, plan.target, inputs.githubToken, plan.required);
  else if (plan.notice !== undefined) notice(plan.notice, { title: 'sbom: dependency submission' });
  writeSummary(stats, inventory, inputs, shownOutput, dependencies, submission?.summary, licenses);
  if (licenses?.evaluation.status === 'failed')
    throw new GateFailure((await import('./licenses/report.js')).failureLine(licenses.evaluation));
  if (submission?.failure !== undefined) throw new UserError(submission.failure);
}
