// Permission records of our actions that do not have their permissions.yml yet. Each entry
// moves, unchanged in meaning, into actions/<name>/permissions.yml (the README table is then
// generated from it), and is deleted here: the wiring test fails while a record sits in both places.
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
};
