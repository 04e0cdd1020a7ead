import { describe, expect, it } from 'vitest';
import { baseNote } from '../src/base-note.js';
import type { Run } from '../src/history.js';

const run = (id: string, commit?: string, ref?: string): Run => ({
  id,
  timestamp: '2026-12-01T00:00:00Z',
  benchmarks: {},
  ...(commit ? { commit } : {}),
  ...(ref ? { ref } : {}),
});
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('which base the history belongs to', () => {
  it('says nothing on a push, without an event base or without a history', () => {
    expect(baseNote({ base: A, from: 'push' }, [run('1', A)])).toBeUndefined();
    expect(baseNote(undefined, [run('1', A)])).toBeUndefined();
    expect(baseNote({ base: A, from: 'pull_request' }, [])).toBeUndefined();
  });

  it('names the run that measured the base, and how many newer runs are of other commits', () => {
    expect(baseNote({ base: A, from: 'pull_request' }, [run('1', B), run('2', A)])).toBe(
      "The baseline's newest run (2) measured this pull request's base, commit aaaaaaaaaaaa.",
    );
    expect(baseNote({ base: A.toUpperCase(), from: 'merge_group' }, [run('1', A), run('2', B), run('3', B)])).toBe(
      "The baseline run 1 measured this merge group's base, commit AAAAAAAAAAAA; 2 newer run(s) are of other commits.",
    );
  });

  it('says when no run measured the base, or when the runs record no commit', () => {
    expect(baseNote({ base: A, from: 'pull_request' }, [run('7', B, 'refs/heads/main')])).toBe(
      "No baseline run measured this pull request's base, commit aaaaaaaaaaaa; the newest (7) is of commit bbbbbbbbbbbb on refs/heads/main: changes between the two count as this change.",
    );
    expect(baseNote({ base: 'main', from: 'pull_request' }, [run('1'), run('2')])).toBe(
      "The baseline runs record no commit, so whether they measured this pull request's base (main) is unknown.",
    );
  });
});
