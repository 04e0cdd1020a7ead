// The GitHub Release's notes: the CHANGELOG section, then how to check the signed files.

export interface NotesOptions {
  version: string;
  repository: string;
  /** The CHANGELOG section's body. */
  changes: string;
  /** The name of the provenance bundle attached to the GitHub Release. */
  provenanceAsset: string;
}

export function releaseNotes(o: NotesOptions): string {
  const tag = `v${o.version}`;
  const repoName = o.repository.split('/')[1] ?? o.repository;
  return `${o.changes}

## Verify this release

Every file under \`<action>/dist/\` of the tag \`${tag}\` is a subject of one keyless Sigstore
attestation with SLSA v1 build provenance, made by this repository's release workflow
(\`.github/workflows/release.yml\`) with its own \`sign\` action. The attestation is stored
with GitHub and attached here as \`${o.provenanceAsset}\`.

\`\`\`bash
git clone --depth 1 --branch ${tag} https://github.com/${o.repository}
gh attestation verify ${repoName}/canary/dist/index.js --repo ${o.repository} \\
  --signer-workflow ${o.repository}/.github/workflows/release.yml
\`\`\`

In a workflow, with this project's \`verify-provenance\`:

\`\`\`yaml
- run: |
    git clone --depth 1 --branch ${tag} https://github.com/${o.repository}
    gh release download ${tag} --repo ${o.repository} --pattern ${o.provenanceAsset}
  env:
    GH_TOKEN: \${{ github.token }}
- uses: ${o.repository}/verify-provenance@${tag}
  with:
    artifacts: ${repoName}/*/dist/**
    bundles: ${o.provenanceAsset}
    source-repository: ${o.repository}
    source-ref: refs/heads/main
    workflow-trigger: workflow_dispatch
    signer-workflow: ${o.repository}/.github/workflows/release.yml
\`\`\`

A rebuild gives the same bytes: \`git checkout <the commit named in the release commit>\`,
\`bash scripts/dev bundle\`, then compare \`actions/<name>/dist/\` with \`<name>/dist/\` of the tag.
`;
}
