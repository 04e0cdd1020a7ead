import { Summary } from '@spikeformer-actions/core';
import {
  formatFailure,
  formatNotChecked,
  type ArtifactReport,
  type BundleEvidence,
} from '@spikeformer-actions/supply-chain';

function signerText(e: BundleEvidence): string {
  if (e.signer.type === 'public-key') return `public key ${e.signer.hint}`;
  return `${e.signer.subjectAlternativeName} (${e.signer.issuer})`;
}

function sourceText(e: BundleEvidence): string {
  const ext = e.signer.type === 'certificate' ? e.signer.extensions : {};
  const repo =
    ext.sourceRepositoryURI ??
    (ext.githubWorkflowRepository
      ? `https://github.com/${ext.githubWorkflowRepository}`
      : e.provenance?.sourceRepository);
  const ref = ext.sourceRepositoryRef ?? ext.githubWorkflowRef ?? e.provenance?.sourceRef;
  return repo ? `${repo}${ref ? ` @ ${ref}` : ''}` : '—';
}

function timeText(e: BundleEvidence): string {
  const parts = [
    ...e.tlog.map((t) => `log #${t.logIndex}${t.integratedTime ? ` at ${t.integratedTime}` : ''}`),
    ...e.timestamps.map((t) => `TSA ${t}`),
  ];
  return parts.length > 0 ? parts.join('; ') : '—';
}

/** The job summary: one row per artifact, failures in detail. */
export function buildSummary(reports: readonly ArtifactReport[], trustOrigin: string): Summary {
  const s = new Summary().heading('Provenance verification');
  const failed = reports.filter((r) => r.verdict === 'failed').length;
  s.paragraph(`${reports.length - failed} of ${reports.length} artifact(s) verified against ${trustOrigin}.`);
  s.table(
    ['Artifact', 'Verdict', 'Signer', 'Source', 'Builder', 'Predicate type', 'Log / timestamp'],
    reports.map((r) => {
      const e = r.evidence;
      return [
        r.artifact,
        r.verdict === 'verified' ? '✅ verified' : '❌ failed',
        e ? signerText(e) : '—',
        e ? sourceText(e) : '—',
        e?.provenance?.builderId ?? '—',
        e?.predicateType ?? (e ? 'message signature' : '—'),
        e ? timeText(e) : '—',
      ];
    }),
  );
  const unchecked = reports.flatMap((r) => (r.notChecked ?? []).map((n) => formatNotChecked(r.artifact, n)));
  if (unchecked.length > 0) s.details(`Not checked (${unchecked.length})`, new Summary().list(unchecked), true);
  const failures = reports.flatMap((r) => r.failures);
  if (failures.length > 0)
    s.details(`Failed checks (${failures.length})`, new Summary().list(failures.map(formatFailure)), true);
  return s;
}
