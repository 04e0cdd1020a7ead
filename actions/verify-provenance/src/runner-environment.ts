import type { ArtifactReport, BundleEvidence, Failure } from '@spikeformer-actions/supply-chain';

export const RUNNER_ENVIRONMENTS = ['github-hosted', 'self-hosted', 'any'] as const;
export type RunnerEnvironment = (typeof RUNNER_ENVIRONMENTS)[number];

/** What the certificate says about the runner that signed (Fulcio extension 1.3.6.1.4.1.57264.1.11). */
function runnerOf(e: BundleEvidence): string {
  if (e.signer.type === 'public-key') return `a public key (hint ${e.signer.hint}), no certificate`;
  return e.signer.extensions.runnerEnvironment ?? '(absent)';
}

/**
 * Adds the runner-environment check to an artifact's report (as `gh attestation verify
 * --deny-self-hosted-runners` does): a build on a self-hosted runner is refused when
 * github-hosted is required. Pure: returns a new report.
 */
export function checkRunnerEnvironment(report: ArtifactReport, required: RunnerEnvironment): ArtifactReport {
  const e = report.evidence;
  if (required === 'any' || !e) return report;
  const found = runnerOf(e);
  const ok = found === required;
  const check = { bundle: e.source, check: 'runner-environment', ok, expected: required, found };
  if (ok) return { ...report, checks: [...report.checks, check] };
  const failure: Failure = {
    artifact: report.artifact,
    bundle: e.source,
    check: 'runner-environment',
    expected: required,
    found,
  };
  return { ...report, verdict: 'failed', failures: [...report.failures, failure], checks: [...report.checks, check] };
}
