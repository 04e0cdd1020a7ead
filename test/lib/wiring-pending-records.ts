// Permission records of our actions that do not have their permissions.yml yet. Each entry
// moves, unchanged in meaning, into actions/<name>/permissions.yml (the README table is then
// generated from it), and is deleted here: the wiring test fails while a record sits in both places.
import type { PermissionRecord } from './wiring-actions.ts';

export const PENDING_PERMISSION_RECORDS: Record<string, PermissionRecord> = {
  'blue-green': {
    deployments: {
      access: 'write',
      when: "inputs.token != ''",
      why: 'records the run as a GitHub Deployment with statuses',
    },
  },
  canary: {},
};
