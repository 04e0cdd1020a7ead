import { describe, expect, it } from 'vitest';
import type { Analysis } from '../src/analyse.js';
import { blobUrl, COMMENT_MARKER, commentBody, linksFrom } from '../src/pr-comment.js';

const SHA = 'c'.repeat(40);
const links = {
  server: 'https://github.com',
  repository: 'octo/app',
  sha: SHA,
  runUrl: 'https://github.com/octo/app/actions/runs/5',
};
const HOSTILE = 'src/<img src=x onerror=alert(1)>/@octo/team ::error::x #1.py';

function analysis(overrides: Partial<Analysis> = {}): Analysis {
  return {
    status: 'failed',
    conditions: [
      {
        id: 'diff',
        metric: 'Changed-line coverage',
        value: 0,
        shown: '0.00%',
        threshold: '≥ 80%',
        verdict: 'fail',
        note: '',
      },
      { id: 'tests', metric: 'Test failures', value: 0, shown: '0', threshold: '≤ 0', verdict: 'pass', note: '' },
    ],
    unmapped: new Map(),
    diff: {
      files: [
        {
          path: HOSTILE,
          changed: 3,
          measured: 3,
          covered: 0,
          uncoveredLines: [3, 4, 9],
          uncoveredRanges: [
            { start: 3, end: 4 },
            { start: 9, end: 9 },
          ],
          branches: 0,
          branchesCovered: 0,
        },
      ],
      changedLines: 3,
      measured: 3,
      covered: 0,
      branches: 0,
      branchesCovered: 0,
      notInReport: [],
      source: 'git diff',
      percent: 0,
    },
    tests: { total: 10, passed: 8, failed: 1, errors: 1, skipped: 0, problems: [] },
    ...overrides,
  };
}

describe('commentBody', () => {
  it('is compact: verdict, failed conditions only, changed-line coverage, linked uncovered lines, test failures', () => {
    const body = commentBody(analysis(), links);
    const path = 'src/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E/%40octo/team%20%3A%3Aerror%3A%3Ax%20%231.py';
    expect(body).toBe(
      [
        COMMENT_MARKER,
        '<h3>Quality gate: failed ❌</h3>',
        '<table><tr><th>Failed condition</th><th>Value</th><th>Threshold</th></tr><tr><td>Changed-line coverage</td><td>0.00%</td><td>≥ 80%</td></tr></table>',
        '<ul><li>Changed-line coverage 0.00% (0/3 executable changed lines)</li><li>Tests: 2 failed of 10</li></ul>',
        `<details open><summary>Uncovered changed lines (1 files)</summary>\n\n<ul><li><code>src/&lt;img src=x onerror=alert(1)&gt;/&#64;octo/team ::error::x &#35;1.py</code>: <a href="https://github.com/octo/app/blob/${SHA}/${path}#L3-L4">3-4</a>, <a href="https://github.com/octo/app/blob/${SHA}/${path}#L9">9</a></li></ul>\n\n\n</details>`,
        '<p><a href="https://github.com/octo/app/actions/runs/5">Details in the job summary</a></p>',
      ].join('\n\n') + '\n',
    );
  });

  it('caps the files and ranges it lists', () => {
    const ranges = Array.from({ length: 12 }, (_, i) => ({ start: i * 10 + 1, end: i * 10 + 1 }));
    const files = Array.from({ length: 22 }, (_, i) => ({
      path: `f${i}.py`,
      changed: 12,
      measured: 12,
      covered: 0,
      uncoveredLines: ranges.map((r) => r.start),
      uncoveredRanges: ranges,
      branches: 0,
      branchesCovered: 0,
    }));
    const a = analysis();
    const body = commentBody({ ...a, diff: { ...a.diff!, files } }, links);
    expect(body.match(/<li><code>/g)).toHaveLength(20);
    expect(body).toContain('#L91">91</a> … 2 more</li>');
    expect(body).toContain('<p>… and 2 more files.</p>');
  });

  it('says why there is no changed-line figure, and lists no failed condition when all pass', () => {
    const { diff: _unused, ...rest } = analysis({
      status: 'passed',
      conditions: [],
      noDiffReason: 'not a pull request or merge group, and neither diff-base nor diff-file is given',
    });
    const { runUrl: _run, ...noRun } = links;
    const body = commentBody(rest, noRun);
    expect(body).toContain('<h3>Quality gate: passed ✅</h3>');
    expect(body).not.toContain('Failed condition');
    expect(body).toContain(
      '<li>No changed-line coverage: not a pull request or merge group, and neither diff-base nor diff-file is given</li>',
    );
    expect(body).not.toContain('Uncovered');
    expect(body).not.toContain('Details in the job summary');
  });
});

describe('linksFrom', () => {
  it("takes the server, repository, the pull request's head and the run", () => {
    const l = linksFrom(
      {
        GITHUB_SERVER_URL: 'https://ghe.example.com/',
        GITHUB_REPOSITORY: 'octo/app',
        GITHUB_SHA: 'd'.repeat(40),
        GITHUB_RUN_ID: '77',
      },
      { pull_request: { head: { sha: SHA } } },
    );
    expect(l).toEqual({
      server: 'https://ghe.example.com',
      repository: 'octo/app',
      sha: SHA,
      runUrl: 'https://ghe.example.com/octo/app/actions/runs/77',
    });
  });

  it('drops credentials and values the runner would not set', () => {
    const l = linksFrom(
      {
        GITHUB_SERVER_URL: 'https://user:secret@github.com',
        GITHUB_REPOSITORY: 'octo/app"><script>',
        GITHUB_SHA: 'not-a-sha',
        GITHUB_RUN_ID: '1; rm',
      },
      {},
    );
    expect(l).toEqual({ server: 'https://github.com', repository: '', sha: 'HEAD' });
    expect(linksFrom({ GITHUB_SERVER_URL: 'javascript:alert(1)' }, {}).server).toBe('https://github.com');
  });

  it('encodes every path segment of a blob link', () => {
    expect(blobUrl(links, 'a b/c#d?.py', 5, 5)).toBe(`https://github.com/octo/app/blob/${SHA}/a%20b/c%23d%3F.py#L5`);
  });
});
