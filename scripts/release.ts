// Cuts a release: bundles (or takes the fresh dist), assembles and verifies the release tree
// with every inside reference at the immutable vX.Y.Z, commits it on top of releases/v<major>,
// tags vX.Y.Z (annotated, never moved), moves v<major>, and pushes branch and tags atomically.
// Writes the GitHub Release's notes (the CHANGELOG section + how to verify) to a file.
//
// Usage: node scripts/release.ts <X.Y.Z> [--remote origin] [--tree .local/release/tree]
//          [--notes .local/release/notes.md]
//          [--repository org/spikeformer-actions] [--changelog CHANGELOG.md]
//          [--stage all|prepare|publish] [--bundle | --use-dist] [--allow-dirty]
//   --stage prepare   checks, assembles and writes the notes; pushes nothing (the workflow signs next)
//   --stage publish   re-verifies the assembled tree, commits, tags and pushes
//   --bundle          bundles every action first; default: bundles only actions whose dist is stale
//   --use-dist        takes actions/*/dist as it is
//   --allow-dirty     releases from a checkout with uncommitted changes (tests only)
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readTextFile, safeInline, UserError } from '../packages/core/lib/index.js';
import { ensureBundled } from '../packages/testing/lib/index.js';
import { assembleRelease } from './assemble-release.ts';
import { bundleActions } from './bundle.ts';
import { actionNames, actionsDir, repoRoot } from './lib/actions.ts';
import { commitTagAndPush, git, GitError, remoteRefs, remoteUrl } from './lib/release-git.ts';
import { releaseNotes } from './lib/release-notes.ts';
import { DEFAULT_REPOSITORY } from './lib/release-tree.ts';
import { verifyReleaseTree } from './lib/release-verify.ts';
import {
  type ChangelogSection,
  changelogSection,
  compareVersions,
  formatVersion,
  lastReleaseOfMajor,
  parseVersion,
  type Version,
} from './lib/release-version.ts';

export const PROVENANCE_ASSET = 'provenance.sigstore.json';
const MAX_CHANGELOG_BYTES = 1024 * 1024;

/** A release that cannot be made as asked: one line saying why (and, below it, the problems). */
export class ReleaseError extends Error {}

export interface ReleaseOptions {
  version: string;
  remote: string;
  tree: string;
  notes: string;
  repository: string;
  changelog: string;
  stage: 'all' | 'prepare' | 'publish';
  dist: 'fresh' | 'bundle' | 'as-is';
  allowDirty: boolean;
  log: (line: string) => void;
}

interface Checked {
  version: Version;
  tag: string;
  major: string;
  url: string;
  branchExists: boolean;
  previousMajor: string | undefined;
}

/** Everything that can refuse the release, before anything is written. */
function check(o: ReleaseOptions): Checked {
  const version = parseVersion(o.version);
  if (!version)
    throw new ReleaseError(
      `"${safeInline(o.version, 80)}" is not a release version X.Y.Z (semver, no "v", no pre-release)`,
    );
  const tag = `v${formatVersion(version)}`;
  const major = `v${version.major}`;
  // A remote is a name, a URL or a path; never something git would read as an option.
  if (o.remote.startsWith('-'))
    throw new ReleaseError(`--remote "${safeInline(o.remote, 80)}" is not a remote name, URL or path`);
  if (!/^[\w.-]+\/[\w.-]+$/.test(o.repository))
    throw new ReleaseError(`--repository "${safeInline(o.repository, 80)}" is not owner/name`);
  const url = remoteUrl(repoRoot, o.remote);
  const refs = remoteRefs(url);
  if (refs.has(`refs/tags/${tag}`))
    throw new ReleaseError(
      `${tag} already exists on the remote; a released version is never replaced (release the next version)`,
    );
  const tags = [...refs.keys()].filter((r) => r.startsWith('refs/tags/')).map((r) => r.slice('refs/tags/'.length));
  const last = lastReleaseOfMajor(tags, version.major);
  if (last && compareVersions(version, last) <= 0)
    throw new ReleaseError(`${tag} is not greater than the last release v${formatVersion(last)} of ${major}`);
  return {
    version,
    tag,
    major,
    url,
    branchExists: refs.has(`refs/heads/releases/${major}`),
    previousMajor: refs.get(`refs/tags/${major}`),
  };
}

function sourceCommit(allowDirty: boolean): string {
  const head = git(['-C', repoRoot, 'rev-parse', 'HEAD'], { allowFailure: true });
  // --no-optional-locks: reading the status must not rewrite the checkout's index.
  const dirty = git(['-C', repoRoot, '--no-optional-locks', 'status', '--porcelain', '--untracked-files=no'], {
    allowFailure: true,
  });
  if (dirty.stdout !== '' && !allowDirty)
    throw new ReleaseError(
      'the checkout has uncommitted changes; a release is built from a commit (commit them, or --allow-dirty)',
    );
  const commit = head.status === 0 ? head.stdout : 'an unknown commit';
  return dirty.stdout === '' ? commit : `${commit} with uncommitted changes`;
}

async function prepareDist(mode: ReleaseOptions['dist'], log: (line: string) => void): Promise<void> {
  const names = actionNames();
  if (mode === 'bundle') {
    const failed = await bundleActions(names);
    if (failed.length > 0) throw new ReleaseError(`bundling failed for ${failed.join(', ')}`);
  } else if (mode === 'fresh') {
    for (const name of names) {
      try {
        ensureBundled(path.join(actionsDir, name));
      } catch (error) {
        throw new ReleaseError(`bundling ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  log(
    `dist: ${mode === 'as-is' ? 'taken as it is' : mode === 'bundle' ? 'bundled' : 'fresh'} for ${names.length} actions`,
  );
}

/** The tree folder is replaced: refuse one that holds the checkout, or anything but an earlier tree. */
function checkTreeFolder(tree: string): void {
  const up = path.relative(tree, repoRoot);
  if (up === '' || !up.startsWith('..'))
    throw new ReleaseError(`--tree ${tree} holds the checkout; give a new or empty folder`);
  if (!existsSync(tree)) return;
  const entries = readdirSync(tree);
  const earlierTree = entries.some((e) => existsSync(path.join(tree, e, 'action.yml')));
  if (entries.length > 0 && !earlierTree)
    throw new ReleaseError(`--tree ${tree} is not empty and holds no release tree; give a new or empty folder`);
}

function verify(o: ReleaseOptions, tag: string): void {
  const problems = verifyReleaseTree(o.tree, { repository: o.repository, ref: tag, actions: actionNames() });
  if (problems.length > 0)
    throw new ReleaseError(`the release tree ${o.tree} does not verify:\n  ${problems.join('\n  ')}`);
}

export async function release(o: ReleaseOptions): Promise<{ tag: string; commit?: string }> {
  const c = check(o);
  const version = formatVersion(c.version);
  const changelogText = await readTextFile(o.changelog, MAX_CHANGELOG_BYTES, path.basename(o.changelog));
  let section: ChangelogSection;
  try {
    const inRepo = path.relative(repoRoot, o.changelog);
    section = changelogSection(
      changelogText,
      version,
      inRepo.startsWith('..') || path.isAbsolute(inRepo) ? o.changelog : inRepo,
    );
  } catch (error) {
    throw new ReleaseError(error instanceof Error ? error.message : String(error));
  }
  const source = sourceCommit(o.allowDirty);
  if (o.stage !== 'publish') {
    checkTreeFolder(o.tree);
    await prepareDist(o.dist, o.log);
    const assembled = assembleRelease(o.tree, { ref: c.tag, repository: o.repository });
    if (assembled.problems.length > 0)
      throw new ReleaseError(`assembling failed:\n  ${assembled.problems.join('\n  ')}`);
    verify(o, c.tag);
    mkdirSync(path.dirname(o.notes), { recursive: true });
    writeFileSync(
      o.notes,
      releaseNotes({ version, repository: o.repository, changes: section.notes, provenanceAsset: PROVENANCE_ASSET }),
    );
    o.log(
      `${c.tag}: release tree ${o.tree} verified (${assembled.actions.length} actions, ${assembled.workflows.length} workflows); notes in ${o.notes}`,
    );
  }
  if (o.stage === 'prepare') return { tag: c.tag };
  verify(o, c.tag);
  const identityName = git(['-C', repoRoot, 'config', '--get', 'user.name'], { allowFailure: true }).stdout;
  const identityEmail = git(['-C', repoRoot, 'config', '--get', 'user.email'], { allowFailure: true }).stdout;
  const { commit } = commitTagAndPush({
    url: c.url,
    tree: o.tree,
    branch: `releases/${c.major}`,
    tag: c.tag,
    majorTag: c.major,
    branchExists: c.branchExists,
    message: `${c.tag}\n\nRelease tree of ${o.repository} ${c.tag} (${section.date}), built from ${source}.`,
    tagMessage: `${c.tag} (${section.date})\n\nBuilt from ${source}.`,
    identity:
      identityName && identityEmail
        ? { name: identityName, email: identityEmail }
        : { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' },
  });
  o.log(
    `${c.tag}: ${commit} on releases/${c.major}${c.branchExists ? '' : ' (new branch)'}; ${c.major} ${c.previousMajor ? 'moved' : 'created'}; pushed`,
  );
  return { tag: c.tag, commit };
}

/** Parses the command line; throws ReleaseError on anything it does not know. */
export function parseArgs(argv: string[], log: (line: string) => void): ReleaseOptions {
  const args = [...argv];
  const value = (name: string, fallback: string): string => {
    const i = args.indexOf(name);
    if (i < 0) return fallback;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new ReleaseError(`${name} needs a value`);
    args.splice(i, 2);
    return v;
  };
  const flag = (name: string): boolean => {
    const i = args.indexOf(name);
    if (i >= 0) args.splice(i, 1);
    return i >= 0;
  };
  const stage = value('--stage', 'all');
  if (stage !== 'all' && stage !== 'prepare' && stage !== 'publish')
    throw new ReleaseError(`--stage is all, prepare or publish, not "${safeInline(stage, 40)}"`);
  const bundle = flag('--bundle');
  const asIs = flag('--use-dist');
  if (bundle && asIs) throw new ReleaseError('--bundle and --use-dist exclude each other');
  const options: ReleaseOptions = {
    version: '',
    remote: value('--remote', 'origin'),
    tree: path.resolve(value('--tree', path.join(repoRoot, '.local/release/tree'))),
    notes: path.resolve(value('--notes', path.join(repoRoot, '.local/release/notes.md'))),
    repository: value('--repository', DEFAULT_REPOSITORY),
    changelog: path.resolve(value('--changelog', path.join(repoRoot, 'CHANGELOG.md'))),
    stage,
    dist: bundle ? 'bundle' : asIs ? 'as-is' : 'fresh',
    allowDirty: flag('--allow-dirty'),
    log,
  };
  const unknown = args.filter((a) => a.startsWith('--'));
  if (unknown.length > 0) throw new ReleaseError(`unknown option ${safeInline(unknown.join(' '), 80)}`);
  if (args.length !== 1) throw new ReleaseError('give one version: node scripts/release.ts <X.Y.Z> [options]');
  options.version = args[0] ?? '';
  return options;
}

if (import.meta.main) {
  const prefix = process.env.GITHUB_ACTIONS === 'true' ? '::error::' : '';
  try {
    const options = parseArgs(process.argv.slice(2), (line) => console.log(line));
    await release(options);
  } catch (error) {
    if (!(error instanceof ReleaseError || error instanceof GitError || error instanceof UserError)) throw error;
    const [first = '', ...rest] = error.message.split('\n');
    console.error(`${prefix}release: ${first}`);
    for (const line of rest) console.error(line);
    process.exit(1);
  }
}
