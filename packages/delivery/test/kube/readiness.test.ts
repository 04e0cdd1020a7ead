import { describe, expect, test } from 'vitest';
import {
  deploymentRollout,
  podProblems,
  readyEndpointAddresses,
  readySliceAddresses,
  selectorString,
  type Deployment,
  type Pod,
} from '../../src/kube/index.js';

function deployment(generation: number, status: Deployment['status'], replicas = 3): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', generation },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'api' } },
      template: { spec: { containers: [{ name: 'app', image: 'x' }] } },
    },
    status,
  };
}

describe('deploymentRollout (kubectl rollout status semantics)', () => {
  test.each([
    [
      deployment(2, { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      'progressing',
      'waiting for deployment "api" spec update to be observed',
    ],
    [
      deployment(2, { observedGeneration: 2, replicas: 4, updatedReplicas: 1, availableReplicas: 3 }),
      'progressing',
      '1 of 3 updated replicas are available',
    ],
    [
      deployment(2, { observedGeneration: 2, replicas: 5, updatedReplicas: 3, availableReplicas: 3 }),
      'progressing',
      '2 old replicas are pending termination',
    ],
    [
      deployment(2, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 2 }),
      'progressing',
      '2 of 3 updated replicas are available',
    ],
    [
      deployment(2, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      'complete',
      'deployment "api" successfully rolled out',
    ],
    [
      deployment(2, {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 1,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      }),
      'failed',
      'deployment "api" exceeded its progress deadline',
    ],
  ])('%#', (d, state, message) => {
    expect(deploymentRollout(d)).toEqual({ state, message });
  });

  test('a scale to zero is complete with no status counters', () => {
    expect(deploymentRollout(deployment(1, { observedGeneration: 1 }, 0)).state).toBe('complete');
  });
});

describe('pods and endpoints', () => {
  const pod = (name: string, waiting?: string, deleting = false): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { containers: [{ name: 'app', image: 'x' }] },
    status: {
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 4,
          state: waiting ? { waiting: { reason: waiting } } : { running: {} },
        },
      ],
    },
  });

  test('only reasons that do not heal by waiting are problems; terminating pods are ignored', () => {
    const problems = podProblems([
      pod('a', 'CrashLoopBackOff'),
      pod('b', 'ContainerCreating'),
      pod('c', 'ErrImagePull'),
      pod('d', 'ImagePullBackOff', true),
      pod('e'),
    ]);
    expect(problems).toEqual([
      { pod: 'a', container: 'app', reason: 'CrashLoopBackOff', message: undefined, restarts: 4 },
    ]);
  });

  test('ready addresses of slices and endpoints, terminating and not-ready left out', () => {
    expect(
      readySliceAddresses([
        {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: 's1' },
          addressType: 'IPv4',
          endpoints: [
            { addresses: ['10.0.0.2'], conditions: { ready: true } },
            { addresses: ['10.0.0.3'], conditions: { ready: false } },
            { addresses: ['10.0.0.4'], conditions: { ready: true, terminating: true } },
            { addresses: ['10.0.0.1'] },
          ],
        },
      ]),
    ).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(
      readyEndpointAddresses({
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'e' },
        subsets: [{ addresses: [{ ip: '10.0.0.9' }], notReadyAddresses: [{ ip: '10.0.0.8' }] }],
      }),
    ).toEqual(['10.0.0.9']);
    expect(readyEndpointAddresses(undefined)).toEqual([]);
  });

  test('selectorString renders maps and LabelSelectors', () => {
    expect(selectorString({ app: 'api', color: 'green' })).toBe('app=api,color=green');
    expect(
      selectorString({
        matchLabels: { app: 'api' },
        matchExpressions: [
          { key: 'track', operator: 'In', values: ['canary', 'stable'] },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=api,track in (canary,stable),!legacy');
  });
});
