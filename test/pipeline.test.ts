import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/lib/actions.ts';
import { STAGES } from '../scripts/pipeline/stages.ts';

const out = path.join(repoRoot, '.local/pipeline-test');
const artifacts = path.join(repoRoot, '.local/artifacts');

function chromium(): string {
  for (const bin of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(bin)) return bin;
  throw new Error('chromium is not installed (Debian package chromium; .ci/system-deps.sh installs it)');
}

describe('the local pipeline (main job)', { timeout: 600_000 }, () => {
  it('runs every stage on the sample with the designed outcome and renders the report', () => {
    const run = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/pipeline.ts'), '--out', out], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 540_000,
    });
    expect(run.stdout).toContain('pipeline: every stage ended as designed');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const stages = JSON.parse(readFileSync(path.join(out, 'stages.json'), 'utf8')) as Array<{
      name: string;
      outcome: string;
      expected: string;
    }>;
    expect(stages.map((s) => s.name)).toEqual(STAGES.map((s) => s.name));
    for (const stage of stages) if (stage.outcome !== 'skipped') expect(stage.outcome, stage.name).toBe(stage.expected);

    // The report in a real browser: every stage present, every chart drawn as SVG, no errors.
    mkdirSync(artifacts, { recursive: true });
    const url = `file://${path.join(out, 'report.html')}`;
    const flags = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--virtual-time-budget=20000',
      '--allow-file-access-from-files',
    ];
    const dom = spawnSync(chromium(), [...flags, '--dump-dom', url], {
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const match = /<pre id="render-status" data-done="true">([^<]*)<\/pre>/.exec(dom.stdout);
    expect(match, `render status not found; chromium said: ${dom.stderr.slice(-2000)}`).not.toBeNull();
    const status = JSON.parse((match?.[1] ?? '{}').replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as {
      errors: string[];
      charts: number;
      svgs: number;
      stages: string[];
    };
    expect(status.errors).toEqual([]);
    expect(status.stages).toEqual(STAGES.map((s) => s.name));
    expect(status.charts).toBeGreaterThan(0);
    expect(status.svgs).toBe(status.charts);
    const shot = spawnSync(
      chromium(),
      [
        ...flags,
        '--hide-scrollbars',
        '--window-size=1280,2400',
        `--screenshot=${path.join(artifacts, 'pipeline-report.png')}`,
        url,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(shot.status, shot.stderr.slice(-2000)).toBe(0);
    expect(existsSync(path.join(artifacts, 'pipeline-report.png'))).toBe(true);
  });
});
