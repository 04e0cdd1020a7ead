import { describe, expect, it } from 'vitest';
import { checkCorrelator, defaultCorrelator, stepIdentity } from '../src/correlator.js';
import { planSubmission } from '../src/submission-plan.js';

const ENV = {
  GITHUB_REPOSITORY: 'spikeformer/kit',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_REF: 'refs/pull/7/merge',
  GITHUB_RUN_ID: '42',
  GITHUB_SERVER_URL: 'https://user:secret@ghe.example/',
  GITHUB_WORKFLOW: 'CI',
  GITHUB_JOB: 'build',
};

describe('correlator', () => {
  it('names the step by its id, else (a generated GITHUB_ACTION) by the output path', () => {
    expect(stepIdentity('sbom-runtime', 'a/sbom.cdx.json')).toBe('sbom-runtime');
    expect(stepIdentity('__run', 'a/sbom.cdx.json')).toBe('a/sbom.cdx.json');
    expect(stepIdentity('__spikeformer_sbom_2', 'a/sbom.cdx.json')).toBe('a/sbom.cdx.json');
    expect(stepIdentity(undefined, 'a/sbom.cdx.json')).toBe('a/sbom.cdx.json');
  });

  it('defaults to workflow_job_step, without control characters, within 255 characters', () => {
    expect(defaultCorrelator({ ...ENV, GITHUB_ACTION: 'sbom' }, 'x.json')).toBe('CI_build_sbom');
    expect(defaultCorrelator({ GITHUB_WORKFLOW: 'A\r\nB\u2028C' }, 'x.json')).toBe('ABC_job_x.json');
    const long = defaultCorrelator({ GITHUB_WORKFLOW: '😀'.repeat(200), GITHUB_JOB: 'j' }, 'x.json');
    expect(long.length).toBeLessThanOrEqual(255);
    expect(long).toMatch(/^(😀)+_[0-9a-f]{16}$/u);
  });

  it('takes one trimmed line of at most 255 characters as input', () => {
    expect(checkCorrelator('  release sbom  ')).toBe('release sbom');
    expect(checkCorrelator('c'.repeat(255))).toHaveLength(255);
    expect(() => checkCorrelator('a\u0085b')).toThrow("Input 'correlator': holds a line break or a control character");
  });
});

describe('planSubmission', () => {
  it('submits with a token, to the repository, commit and ref of the run; the server URL loses its credentials', () => {
    expect(planSubmission('auto', 'ghs_x', 'c', ENV)).toEqual({
      kind: 'submit',
      required: false,
      target: {
        owner: 'spikeformer',
        repo: 'kit',
        sha: ENV.GITHUB_SHA,
        ref: 'refs/pull/7/merge',
        runId: '42',
        serverUrl: 'https://ghe.example',
        correlator: 'c',
      },
    });
    expect(planSubmission('true', 'ghs_x', 'c', ENV)).toMatchObject({ kind: 'submit', required: true });
  });

  it('skips silently with false, with a notice without a token or outside a repository; true refuses the latter', () => {
    expect(planSubmission('false', 'ghs_x', 'c', ENV)).toEqual({ kind: 'skip', notice: undefined });
    expect(planSubmission('auto', '', 'c', ENV)).toEqual({
      kind: 'skip',
      notice:
        'No dependency submission: github-token is empty (give it a token with `permissions: contents: write`, or set dependency-submission: false)',
    });
    expect(planSubmission('auto', 'ghs_x', 'c', { ...ENV, GITHUB_REF: 'main' })).toEqual({
      kind: 'skip',
      notice:
        "No dependency submission: submitting to the dependency graph needs the runner's environment: GITHUB_REF is not a ref (refs/…)",
    });
    expect(planSubmission('auto', 'ghs_x', 'c', { ...ENV, ACT: 'true' })).toEqual({
      kind: 'skip',
      notice: 'No dependency submission under act (set dependency-submission: true to submit the local ref and SHA)',
    });
    expect(planSubmission('true', 'ghs_x', 'c', { ...ENV, ACT: 'true' })).toMatchObject({ kind: 'submit' });
    expect(() => planSubmission('true', 'ghs_x', 'c', { ...ENV, GITHUB_SHA: 'abc' })).toThrow(
      "Input 'dependency-submission': submitting to the dependency graph needs the runner's environment: GITHUB_SHA is not a 40-character commit SHA",
    );
  });
});
