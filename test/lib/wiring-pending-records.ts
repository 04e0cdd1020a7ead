// Permission records of our actions that are not yet in their action.yml. Each entry moves,
// unchanged in meaning, into the action's action.yml as a top-level `permissions:` mapping
// (written by the action's owner, with the README line the generator shows), and is then
// deleted here: the wiring test fails while a record sits in both places.
import type { PermissionRecord } from './wiring-actions.ts';

const PULL_REQUEST = ['pull_request', 'pull_request_target'];

export const PENDING_PERMISSION_RECORDS: Record<string, PermissionRecord> = {
  'benchmark-gate': {
    'pull-requests': {
      access: 'write',
      when: "inputs.github-token != ''",
      events: PULL_REQUEST,
      why: 'posts and updates the verdict as a pull request comment',
    },
  },
  'blue-green': {
    deployments: {
      access: 'write',
      when: "inputs.token != ''",
      why: 'records the run as a GitHub Deployment with statuses',
    },
  },
  canary: {},
  'neuromorphic-smoke': {},
  'quality-gate': {
    'pull-requests': {
      access: 'write',
      when: "inputs.comment != 'false' && inputs.github-token != ''",
      events: PULL_REQUEST,
      why: 'posts the verdict as a pull request comment',
    },
  },
  sbom: {
    contents: {
      access: 'write',
      when: "inputs.token != ''",
      why: 'submits the dependencies to the dependency graph (dependency submission API)',
    },
  },
  'security-scan': {},
  sign: {
    'id-token': {
      access: 'write',
      when: "inputs.mode == 'keyless'",
      why: 'keyless signing: the job OIDC token becomes the Fulcio certificate identity',
    },
    packages: {
      access: 'write',
      when: "startsWith(inputs.image, 'ghcr.io/')",
      why: 'attaches the signature bundle to the image on GHCR with the job token',
    },
  },
  'verify-provenance': {
    packages: {
      access: 'read',
      when: "startsWith(inputs.image, 'ghcr.io/')",
      why: "reads the image's signature bundles from GHCR with the job token",
    },
  },
};
