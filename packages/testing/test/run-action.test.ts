import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputEnvName, runBundledAction } from '../src/index.js';

const action = path.join(import.meta.dirname, 'fixtures/stateful-action');

describe('runBundledAction', () => {
  it('maps input names the way the runner does', () => {
    expect(inputEnvName('who to greet')).toBe('INPUT_WHO_TO_GREET');
    expect(inputEnvName('fail-on')).toBe('INPUT_FAIL-ON');
  });

  it('chains pre → main → post with state, env, path, outputs, summary and annotations', async () => {
    const r = await runBundledAction(action, {
      inputs: { 'who to greet': 'Loihi' },
      env: { GITHUB_TOKEN: 'ghs_example' },
    });
    expect(r.stages.map((s) => [s.stage, s.exitCode])).toEqual([
      ['pre', 0],
      ['main', 0],
      ['post', 0],
    ]);
    expect(r.stdout).toContain('pre sees input Loihi');
    expect(r.stdout).toContain('main sees state pre-was-here');
    expect(r.stdout).toContain('post sees phase=switched pre=pre-was-here env=Loihi');
    expect(r.stdout).toContain('post path has greeter: true');
    expect(r.stdout).toContain('token=ghs_example');
    expect(r.outputs.greeting).toBe('hello Loihi\nline two');
    expect(r.summary).toBe('## Greeting\n');
    expect(r.annotations).toEqual([
      { level: 'warning', message: 'careful\nnow', file: 'src/a.py', line: 3, column: 2, title: 'T,1' },
    ]);
  });

  it('rejects an input the action does not declare', async () => {
    await expect(runBundledAction(action, { inputs: { nope: 'x' } })).rejects.toThrow(/declares no input 'nope'/);
  });

  it('runs post after main was cancelled with SIGTERM, with the state main saved before', async () => {
    const r = await runBundledAction(action, {
      stages: ['main', 'post'],
      inputs: { 'sleep-ms': 30_000 },
      killMainWhen: (out) => out.includes('main: waiting'),
    });
    const [main, post] = r.stages;
    expect(main?.killed).toBe(true);
    expect(main?.signal).toBe('SIGTERM');
    expect(main?.stdout).not.toContain('main: done');
    expect(post?.exitCode).toBe(0);
    // post sees the last state main managed to write: switched, never verified.
    expect(post?.stdout).toContain('post sees phase=switched');
  });
});
