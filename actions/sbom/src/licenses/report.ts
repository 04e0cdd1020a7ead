import { clip, Summary, warning } from '@spikeformer-actions/core';
import type { JudgedPackage, LicenseEvaluation } from './evaluate.js';

/** How the license verdict shows: warnings in the log, a section in the job summary, the failure line. */

const MAX_LISTED = 20;
const MAX_ROWS = 500;

function named(p: JudgedPackage): string {
  return `${clip(p.name, 100)}${p.version === undefined ? '' : ` ${clip(p.version, 50)}`}`;
}

function licenseShown(p: JudgedPackage): string {
  return p.license === '' ? '(none)' : clip(p.license, 150);
}

export function logLicenseWarnings(evaluation: LicenseEvaluation): void {
  for (const { exception, packages } of evaluation.expired.slice(0, MAX_LISTED)) {
    warning(
      `license exception ${clip(exception.purl, 150)} expired on ${exception.expires ?? '?'} and no longer applies (${packages.length} package${packages.length === 1 ? '' : 's'})`,
      {
        title: 'sbom: expired license exception',
      },
    );
  }
  if (evaluation.warnings.length > 0) {
    const shown = evaluation.warnings.slice(0, MAX_LISTED).map((p) => `${named(p)} (${licenseShown(p)})`);
    const more =
      evaluation.warnings.length > MAX_LISTED
        ? `, and ${evaluation.warnings.length - MAX_LISTED} more (job summary)`
        : '';
    warning(`${evaluation.warnings.length} package(s) with an unknown license: ${shown.join(', ')}${more}`, {
      title: 'sbom: unknown licenses',
    });
  }
}

/** The error line of a failed policy: the count and the first packages named. */
export function failureLine(evaluation: LicenseEvaluation): string {
  const v = evaluation.violations;
  const shown = v.slice(0, 10).map((p) => `${named(p)} (${licenseShown(p)}: ${p.problem})`);
  return `license policy failed: ${v.length} package${v.length === 1 ? '' : 's'} violate it: ${shown.join('; ')}${v.length > 10 ? `; and ${v.length - 10} more (job summary)` : ''}`;
}

export function addLicenseSummary(s: Summary, evaluation: LicenseEvaluation, source: string): void {
  s.heading(`License policy: ${evaluation.status}`, 3);
  s.paragraph(
    `${evaluation.judged} packages judged against ${source}: ${evaluation.violations.length} violation(s), ${evaluation.warnings.length} unknown (warned), ${evaluation.excepted.length} accepted by an exception`,
    evaluation.skippedDev > 0
      ? `; ${evaluation.skippedDev} development-only packages not judged (include-dev is false).`
      : '.',
  );
  s.table(
    ['license', 'packages', 'verdict'],
    evaluation.table.slice(0, MAX_ROWS).map((r) => [r.license, r.packages, r.verdict]),
  );
  if (evaluation.violations.length > 0) {
    s.details(
      `Violations (${evaluation.violations.length})`,
      new Summary().table(
        ['package', 'version', 'purl', 'license', 'problem'],
        evaluation.violations
          .slice(0, MAX_ROWS)
          .map((p) => [p.name, p.version ?? '', p.purl, p.license || '(none)', p.problem]),
      ),
      true,
    );
  }
  if (evaluation.expired.length > 0) {
    s.details(
      `Expired exceptions (${evaluation.expired.length}): no longer applied`,
      new Summary().table(
        ['purl', 'expired', 'reason', 'packages'],
        evaluation.expired
          .slice(0, MAX_ROWS)
          .map((e) => [e.exception.purl, e.exception.expires ?? '', e.exception.reason, e.packages.join(', ')]),
      ),
      true,
    );
  }
  if (evaluation.excepted.length > 0) {
    s.details(
      `Accepted by an exception (${evaluation.excepted.length})`,
      new Summary().table(
        ['package', 'license', 'problem', 'reason', 'expires'],
        evaluation.excepted
          .slice(0, MAX_ROWS)
          .map((p) => [
            p.purl || p.name,
            p.license || '(none)',
            p.problem,
            p.exception?.reason ?? '',
            p.exception?.expires ?? 'never',
          ]),
      ),
    );
  }
  if (evaluation.warnings.length > 0) {
    s.details(
      `Unknown licenses (${evaluation.warnings.length})`,
      new Summary().table(
        ['package', 'version', 'license found', 'problem'],
        evaluation.warnings.slice(0, MAX_ROWS).map((p) => [p.name, p.version ?? '', p.license || '(none)', p.problem]),
      ),
    );
  }
}
