// What the wiring check knows about each action a workflow step uses: its inputs, its outputs
// and the GITHUB_TOKEN permissions it needs. Our own actions say it in permissions.yml beside
// their action.yml (action.yml's schema in GitHub's workflow parser has no such key);
// third-party actions in the table below, read from their action.yml and README at the pinned commit.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * One permission an action needs. `when` is an expression over the step's `inputs` (the
 * `with:` values, else the action's defaults); absent means always.
 */
export interface PermissionNeed {
  access: 'read' | 'write';
  when?: string;
  /** Events the need arises on; absent means any. A workflow no such event starts needs nothing. */
  events?: string[];
  why: string;
}

/** scope (`id-token`, `contents` …) → what the action needs of it. */
export type PermissionRecord = Record<string, PermissionNeed>;

export interface ActionInfo {
  /** Undefined for third-party actions, whose inputs actionlint and the action check. */
  inputs?: Map<string, { required: boolean; default?: string }>;
  outputs: Set<string>;
  permissions: PermissionRecord;
  /** Where the record was read, for messages. */
  source: string;
  /** A cloud login: the only reason besides signing for `id-token: write`. */
  cloudLogin?: boolean;
}

/** The `uses:` prefix of this repository's own actions. */
export const OWN_PREFIX = 'org/spikeformer-actions/';

interface ThirdParty {
  outputs: string[];
  permissions?: PermissionRecord;
  cloudLogin?: boolean;
}

/** Third-party actions the templates use, by `owner/repo[/path]` (the ref is not part of the key). */
export const THIRD_PARTY: Record<string, ThirdParty> = {
  'actions/checkout': {
    outputs: ['ref', 'commit'],
    permissions: { contents: { access: 'read', why: 'clones the repository with the job token' } },
  },
  'actions/setup-python': { outputs: ['python-version', 'cache-hit', 'python-path'] },
  // Artifacts and the cache go through the runner's own token (ACTIONS_RUNTIME_TOKEN), not GITHUB_TOKEN.
  'actions/upload-artifact': { outputs: ['artifact-id', 'artifact-url', 'artifact-digest'] },
  'actions/download-artifact': {
    outputs: ['download-path'],
    permissions: {
      actions: {
        access: 'read',
        when: "inputs.run-id != ''",
        why: 'downloads an artifact of another run through the REST API',
      },
    },
  },
  'actions/cache/restore': { outputs: ['cache-hit', 'cache-primary-key', 'cache-matched-key'] },
  'actions/cache/save': { outputs: [] },
  'aws-actions/configure-aws-credentials': {
    outputs: ['aws-account-id', 'aws-access-key-id', 'aws-secret-access-key', 'aws-session-token', 'aws-expiration'],
    permissions: {
      'id-token': {
        access: 'write',
        when: "inputs.role-to-assume != '' && inputs.aws-access-key-id == ''",
        why: 'assumes the role with the job OIDC token (AssumeRoleWithWebIdentity)',
      },
    },
    cloudLogin: true,
  },
  'azure/login': {
    outputs: [],
    permissions: {
      'id-token': {
        access: 'write',
        when: "inputs.client-id != '' && inputs.creds == ''",
        why: 'federated login with the job OIDC token',
      },
    },
    cloudLogin: true,
  },
  'azure/aks-set-context': { outputs: [] },
  'google-github-actions/auth': {
    outputs: ['project_id', 'credentials_file_path', 'auth_token', 'access_token', 'id_token'],
    permissions: {
      'id-token': {
        access: 'write',
        when: "inputs.workload_identity_provider != ''",
        why: 'Workload Identity Federation with the job OIDC token',
      },
    },
    cloudLogin: true,
  },
  'google-github-actions/get-gke-credentials': { outputs: [] },
};

interface ActionYaml {
  inputs?: Record<string, { required?: boolean; default?: unknown }>;
  outputs?: Record<string, unknown>;
}

/** An action's own permission record (actions/<name>/permissions.yml), if it has one. */
function ownRecord(folder: string, repoRoot: string): PermissionRecord | undefined {
  const file = path.join(repoRoot, 'actions', folder, 'permissions.yml');
  if (!existsSync(file)) return undefined;
  const doc = parse(readFileSync(file, 'utf8')) as { permissions?: PermissionRecord } | null;
  return doc?.permissions ?? {};
}

/** The action a `uses:` names, or undefined with the reason. */
export function lookupAction(uses: string, repoRoot: string): ActionInfo | { unknown: string } {
  const name = uses.replace(/@.*$/, '');
  if (name.startsWith(OWN_PREFIX)) {
    const folder = name.slice(OWN_PREFIX.length);
    const file = path.join(repoRoot, 'actions', folder, 'action.yml');
    if (!existsSync(file)) return { unknown: `no actions/${folder}/action.yml` };
    const meta = parse(readFileSync(file, 'utf8')) as ActionYaml;
    const inputs = new Map(
      Object.entries(meta.inputs ?? {}).map(([k, v]) => [
        k,
        {
          required: v.required === true,
          default:
            typeof v.default === 'string' || typeof v.default === 'number' || typeof v.default === 'boolean'
              ? String(v.default)
              : undefined,
        },
      ]),
    );
    const own = ownRecord(folder, repoRoot);
    return {
      inputs,
      outputs: new Set(Object.keys(meta.outputs ?? {})),
      permissions: own ?? {},
      source: own ? `actions/${folder}/permissions.yml` : `no actions/${folder}/permissions.yml`,
    };
  }
  const known = THIRD_PARTY[name];
  if (!known)
    return {
      unknown: `${name} is not in the wiring check's table of third-party actions (test/lib/wiring-actions.ts)`,
    };
  return {
    outputs: new Set(known.outputs),
    permissions: known.permissions ?? {},
    source: `the third-party table (${name})`,
    cloudLogin: known.cloudLogin,
  };
}

/** Our actions that hold a permission record of their own (permissions.yml). */
export function recordInActionYml(folder: string, repoRoot: string): PermissionRecord | undefined {
  return ownRecord(folder, repoRoot);
}
