import type { StoredArtifact, StoredWorkflowRun } from './actions-objects.js';
import type { StoredComment, StoredDeployment, StoredStatus } from './objects.js';
import type { OpenPull } from './routes-pulls.js';

export interface StoredAttestation {
  id: number;
  owner: string;
  repo: string;
  repositoryId: number;
  bundle: Record<string, unknown>;
  /** `sha256:<hex>` of each subject (DSSE statement) or the signed message digest. */
  digests: string[];
  predicateType: string | undefined;
}

export interface StoredSnapshot {
  id: number;
  owner: string;
  repo: string;
  body: Record<string, unknown>;
  createdAt: string;
}

/** Everything the double remembers; tests read and seed it directly. */
export class GitHubState {
  readonly comments = new Map<number, StoredComment>();
  readonly attestations: StoredAttestation[] = [];
  readonly snapshots: StoredSnapshot[] = [];
  readonly deployments = new Map<number, StoredDeployment>();
  readonly statuses: StoredStatus[] = [];
  readonly workflowRuns = new Map<number, StoredWorkflowRun>();
  readonly artifacts = new Map<number, StoredArtifact>();
  /** Open pull requests `pulls/list` answers with. */
  readonly pulls: OpenPull[] = [];
  /** Artifact zips by the one-off download path the double redirects to. */
  readonly blobs = new Map<string, Buffer>();
  /** Repository ids by `owner/repo`, made up on first use. */
  private readonly repoIds = new Map<string, number>();
  private next = 1000;
  /** A fixed clock so answers are reproducible; each write moves it one second. */
  private clock = Date.parse('2026-01-01T00:00:00Z');

  id(): number {
    return ++this.next;
  }

  now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  repositoryId(owner: string, repo: string): number {
    const key = `${owner}/${repo}`.toLowerCase();
    let id = this.repoIds.get(key);
    if (id === undefined) {
      id = 700_000_000 + this.repoIds.size + 1;
      this.repoIds.set(key, id);
    }
    return id;
  }

  /** Comments on one issue or pull request, oldest first (GitHub orders them by id). */
  commentsOn(owner: string, repo: string, issue: number): StoredComment[] {
    return [...this.comments.values()]
      .filter((c) => same(c.owner, owner) && same(c.repo, repo) && c.issue === issue)
      .sort((a, b) => a.id - b.id);
  }
}

/** Owner and repository names are case-insensitive on GitHub. */
export function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
