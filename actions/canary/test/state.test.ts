import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, type CanaryState, decideStart, readState, stateAnnotations } from '../src/state.js';

const state = (phase: CanaryState['progress']['phase'], step = 2): CanaryState => ({
  plan: {
    router: 'smi',
    steps: [10, 50, 100],
    images: { api: 'r/api:2' },
    stableImages: { api: 'r/api:1' },
    stableReplicas: 2,
    startedAt: '2026-11-27T00:00:00Z',
    runId: '7',
    restore: {},
  },
  progress: { phase, step, weight: phase === 'progressing' ? 50 : 0, updatedAt: '2026-11-27T00:01:00Z' },
});
const wanted = { images: { api: 'r/api:2' }, steps: [10, 50, 100], router: 'smi' as const };

describe('canary state in annotations', () => {
  it('round-trips through the annotations and ignores hand-mangled ones', () => {
    const s = state('progressing');
    expect(readState(stateAnnotations(s))).toEqual(s);
    expect(readState({ [ANNOTATIONS.plan]: '{', [ANNOTATIONS.progress]: '{}' })).toBeUndefined();
    expect(
      readState({
        ...stateAnnotations(s),
        [ANNOTATIONS.progress]: JSON.stringify({ phase: 'dancing', step: 1, weight: 1 }),
      }),
    ).toBeUndefined();
    expect(readState(undefined)).toBeUndefined();
    const flag = {
      configMap: 'flagd',
      dataKey: 'flags.json',
      flagKey: 'f',
      newVariant: 'on',
      stableVariant: 'off',
      previous: '{"flags": {}}\n',
    };
    const withFlag: CanaryState = { ...s, plan: { ...s.plan, flag } };
    expect(readState(stateAnnotations(withFlag))).toEqual(withFlag);
    expect(
      readState(
        stateAnnotations({ ...s, plan: { ...s.plan, flag: { ...flag, previous: 42 } as unknown as typeof flag } }),
      ),
    ).toBeUndefined();
  });

  it('resumes an unfinished canary of the same images at its step', () => {
    for (const phase of ['progressing', 'paused', 'interrupted'] as const) {
      expect(decideStart(state(phase), wanted)).toMatchObject({ kind: 'resume', fromStep: 2 });
    }
    expect(decideStart(state('interrupted', 0), wanted)).toMatchObject({ kind: 'resume', fromStep: 1 });
    expect(decideStart(state('promoting', 3), wanted)).toMatchObject({ kind: 'promote' });
  });

  it('rolls back an unfinished canary of something else before starting, and retries a finished one deliberately', () => {
    expect(decideStart(state('progressing'), { ...wanted, images: { api: 'r/api:3' } })).toMatchObject({
      kind: 'replace',
    });
    expect(decideStart(state('paused'), { ...wanted, steps: [20, 100] })).toMatchObject({ kind: 'replace' });
    expect(decideStart(state('paused'), { ...wanted, router: 'gateway-api' })).toMatchObject({ kind: 'replace' });
    expect(decideStart(state('rolled-back'), wanted)).toMatchObject({
      kind: 'fresh',
      why: expect.stringMatching(/ended rolled-back/),
    });
    expect(decideStart(state('aborted'), wanted)).toMatchObject({ kind: 'fresh' });
    expect(decideStart(undefined, wanted)).toMatchObject({ kind: 'fresh', why: 'no canary yet' });
  });
});
