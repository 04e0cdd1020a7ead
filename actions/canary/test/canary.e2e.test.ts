import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ensureBundled } from '@spikeformer-actions/testing';
import type { KubeDouble } from '@spikeformer-actions/testing/kube';
import { requirePrometheus, startPrometheus, type RunningPrometheus } from '@spikeformer-actions/testing/prometheus';
import { startLoad, type TrackBehaviour } from '@spikeformer-actions/testing/traffic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisFile } from '../src/record.js';
import {
  ACTION,
  FAST_ANALYSIS,
  STABLE,
  imageOf,
  load,
  routedWeights,
  NEW_IMAGE,
  OLD_IMAGE,
  progressOf,
  prometheusProxy,
  RATE,
  recordingProvider,
  replicasOf,
  type Router,
  ROUTERS,
  routerInputs,
  runCanary,
  seedCluster,
  servedTotal,
  stableReplicas,
  startTracks,
  type Tracks,
  weightSource,
} from './harness.js';

/*
 * End to end: the bundled action drives the machine's real kubectl against the API double; a load
 * generator splits requests between a stable and a canary service by the weights the router
 * objects in the double carry right now; Debian's Prometheus scrapes both services every 500 ms.
 */

const ABBR: Record<Router, string> = { replicas: 'rep', 'nginx-ingress': 'ngx', 'gateway-api': 'gw', smi: 'smi' };
const SCENARIOS: Record<string, TrackBehaviour> = {
  healthy: { errorRate: 0, latencyMs: 20, jitterMs: 5 },
  errors: { errorRate: 0.1, latencyMs: 20, jitterMs: 5 },
  slow: { errorRate: 0, latencyMs: 60, jitterMs: 15 },
  notraffic: { errorRate: 0, latencyMs: 20, jitterMs: 5 },
  promdown: { errorRate: 0, latencyMs: 20, jitterMs: 5 },
  sigterm: { errorRate: 0, latencyMs: 20, jitterMs: 5 },
};

const ERROR_RATE_LOAD = 80;
const tracks = new Map<string, Tracks>();
const kubes: KubeDouble[] = [];
let prometheus: RunningPrometheus | undefined;
const blastRadius: string[] = [];

function base(id: string, router: Router): Record<string, string> {
  return {
    deployment: id,
    service: id,
    image: `api=${NEW_IMAGE}`,
    steps: '10,50,100',
    pause: '4s',
    analysis: FAST_ANALYSIS,
    'rollout-timeout': '40s',
    'prometheus-url': prometheus?.url ?? '',
    ...routerInputs(id, router),
  };
}

async function cluster(id: string, router: Router): Promise<KubeDouble> {
  const kube = await seedCluster(id, router);
  kubes.push(kube);
  return kube;
}

function analysisFile(r: { workspace: string; outputs: Record<string, string> }): AnalysisFile {
  return JSON.parse(readFileSync(path.join(r.workspace, r.outputs['analysis-file'] ?? ''), 'utf8')) as AnalysisFile;
}

function track(id: string): Tracks {
  const t = tracks.get(id);
  if (!t) throw new Error(`no tracks for ${id}`);
  return t;
}

function deploymentCreates(kube: KubeDouble): number {
  return kube.requests.filter((q) => q.method === 'POST' && /\/deployments$/.test(q.path) && q.status < 300).length;
}

/** The routing objects are as before the canary: no canary Ingress/Service/backend/split left. */
function expectRoutesRestored(kube: KubeDouble, id: string, router: Router): void {
  expect(kube.get('deployment', `${id}-canary`)).toBeUndefined();
  if (router !== 'replicas') expect(kube.get('service', `${id}-canary`)).toBeUndefined();
  if (router === 'nginx-ingress') expect(kube.get('ingress', `${id}-canary`)).toBeUndefined();
  if (router === 'gateway-api') {
    const spec = kube.get('httproute', id)?.['spec'] as { rules: Array<{ backendRefs: unknown[] }> };
    expect(spec.rules[0]?.backendRefs).toEqual([{ name: id, port: 80 }]);
  }
  if (router === 'smi') expect(kube.get('trafficsplit', id)).toBeUndefined();
}

beforeAll(async () => {
  requirePrometheus();
  ensureBundled(ACTION);
  const ids: Array<[string, TrackBehaviour]> = [];
  for (const router of ROUTERS)
    for (const [name, behaviour] of Object.entries(SCENARIOS)) ids.push([`${ABBR[router]}-${name}`, behaviour]);
  ids.push(
    ['rep-defaults', { errorRate: 0.3, latencyMs: 20, jitterMs: 5 }],
    ['gw-gates', SCENARIOS['healthy'] ?? STABLE],
    ['ngx-paused', STABLE],
  );
  for (const [id, behaviour] of ids) tracks.set(id, await startTracks(id, behaviour));
  prometheus = await startPrometheus({
    scrapeIntervalMs: 1_000,
    targets: [...tracks.values()].flatMap((t) =>
      [t.stable, t.canary].map((s) => ({ address: s.address, labels: { namespace: 'default', service: s.name } })),
    ),
  });
  await prometheus.waitFor('count(up == 1)', (r) => r.length === 1, 30_000);
}, 400_000);

afterAll(async () => {
  await Promise.all(kubes.map((k) => k.close()));
  await prometheus?.close();
  await Promise.all([...tracks.values()].flatMap((t) => [t.stable.close(), t.canary.close()]));
  if (blastRadius.length > 0)
    console.log(['Blast radius (requests served by the bad canary before rollback):', ...blastRadius].join('\n'));
});

describe.concurrent('canary end to end', () => {
  describe.each(ROUTERS)('canary via %s (real kubectl, API double, real Prometheus, live traffic)', (router) => {
    const abbr = ABBR[router];
    const source = (id: string) => weightSource(id, router);

    it.concurrent('a healthy canary is promoted through 10, 50, 100', { timeout: 240_000 }, async () => {
      const id = `${abbr}-healthy`;
      const kube = await cluster(id, router);
      const rec = recordingProvider(kube, source(id));
      const gen = load(track(id), rec.provider);
      const r = await runCanary(kube, base(id, router));
      await gen.stop();
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.outputs).toMatchObject({ status: 'promoted', 'final-weight': '100', 'failed-step': '' });
      expect(imageOf(kube, id)).toBe(NEW_IMAGE);
      expect(replicasOf(kube, id)).toBe(stableReplicas(router));
      expectRoutesRestored(kube, id, router);
      // The live split went 10 → 50 → 100 on the canary, and back to the (promoted) stable (with the
      // replicas router the promoted stable's pods join the canary's for a moment: both run the new image).
      expect(rec.seen.filter((w) => w > 0).slice(0, 3)).toEqual([10, 50, 100]);
      expect(rec.seen[rec.seen.length - 1]).toBe(0);
      const file = analysisFile(r);
      expect(file.plan).toMatchObject({
        router,
        steps: [10, 50, 100],
        images: { api: NEW_IMAGE },
        stableImages: { api: OLD_IMAGE },
        stableReplicas: stableReplicas(router),
      });
      expect(file.steps.map((s) => [s.weight, s.verdict])).toEqual([
        [10, 'Successful'],
        [50, 'Successful'],
        [100, 'Successful'],
      ]);
      expect(file.steps[0]?.metrics.map((m) => m.query).join('\n')).toContain(`service="${id}-canary"`);
      expect(file.series.filter((p) => p.metric === 'error-rate' && p.canary !== null).length).toBeGreaterThanOrEqual(
        6,
      );
      expect(r.summary).toContain('xychart-beta');
      expect(r.summary).toContain('title "error-rate canary vs stable"');
      expect(r.summary).toContain('Lines in order: 1. canary; 2. stable');
      expect(servedTotal(track(id).canary)).toBeGreaterThan(0);
    });

    it.concurrent('a canary with 10% errors is rolled back at the first step', { timeout: 240_000 }, async () => {
      const id = `${abbr}-errors`;
      const kube = await cluster(id, router);
      // 100 requests/s: at 10 % the canary answers 10/s, one error a second, so the 5 s window
      // of the first step sees them (prom-client starts an error series only at its first error).
      const gen = load(track(id), routedWeights(kube, source(id)), ERROR_RATE_LOAD);
      // A 6 s pause: the error series has a few increments in its window before the first measurement.
      const r = await runCanary(kube, { ...base(id, router), pause: '6s' });
      const stats = await gen.stop();
      expect(r.exitCode).toBe(1);
      expect(r.outputs).toMatchObject({ status: 'rolled-back', 'failed-step': '1', 'final-weight': '0' });
      expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(/step 1 \(10%\).*error-rate/);
      expect(imageOf(kube, id)).toBe(OLD_IMAGE);
      expect((await routedWeights(kube, source(id))()).canary).toBe(0);
      expect(replicasOf(kube, `${id}-canary`)).toBe(0);
      expect(progressOf(kube, id)).toMatchObject({ phase: 'rolled-back', step: 1, weight: 0 });
      const file = analysisFile(r);
      const detection = file.detection;
      expect(detection?.failedStep).toBe(1);
      const served = servedTotal(track(id).canary);
      blastRadius.push(
        `  ${router}: ${served} of ${stats.stable.sent + stats.canary.sent} requests (action's Prometheus estimate ≈${Math.round(detection?.canaryRequests ?? Number.NaN)}), detected at step 1 after ${detection?.secondsSinceFirstTraffic.toFixed(1)} s, analysis interval ${detection?.analysisInterval}, pause 6 s`,
      );
      // Bounded by 10 % of the load over the time the canary had traffic (plus the rollback's own seconds).
      expect(served).toBeGreaterThan(0);
      expect(served).toBeLessThanOrEqual(
        Math.ceil(ERROR_RATE_LOAD * 0.1 * ((detection?.secondsSinceFirstTraffic ?? 0) + 5)),
      );
      // abort from rolled-back: nothing left to move, the state says aborted
      const aborted = await runCanary(kube, {
        deployment: id,
        service: id,
        action: 'abort',
        ...routerInputs(id, router),
      });
      expect(aborted.outputs.status).toBe('aborted');
      expect(progressOf(kube, id)).toMatchObject({ phase: 'aborted', step: 1, weight: 0 });
      expect((await routedWeights(kube, source(id))()).canary).toBe(0);
    });

    it.concurrent('a canary with 3× p99 latency is rolled back', { timeout: 240_000 }, async () => {
      const id = `${abbr}-slow`;
      const kube = await cluster(id, router);
      const gen = load(track(id), routedWeights(kube, source(id)));
      const r = await runCanary(kube, base(id, router));
      await gen.stop();
      expect(r.exitCode).toBe(1);
      expect(r.outputs.status).toBe('rolled-back');
      expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(/latency-p99/);
      expect(imageOf(kube, id)).toBe(OLD_IMAGE);
      expect((await routedWeights(kube, source(id))()).canary).toBe(0);
      const file = analysisFile(r);
      const latency = file.steps.at(-1)?.metrics.find((m) => m.name === 'latency-p99');
      expect(latency?.verdict).toBe('Failed');
      expect(Math.max(...(latency?.measurements.flatMap((m) => m.values) ?? []))).toBeGreaterThan(2);
    });

    it.concurrent('a canary that gets no traffic (empty vectors) is never promoted', { timeout: 240_000 }, async () => {
      const id = `${abbr}-notraffic`;
      const kube = await cluster(id, router);
      // A router that never reaches the canary: all requests go to the stable.
      const gen = startLoad({
        targets: { stable: track(id).stable.url, canary: track(id).canary.url },
        weights: async () => ({ stable: 100, canary: 0 }),
        ratePerSecond: RATE,
        durationMs: 150_000,
      });
      const r = await runCanary(kube, base(id, router));
      await gen.stop();
      expect(r.exitCode).toBe(1);
      expect(r.outputs).toMatchObject({ status: 'rolled-back', 'failed-step': '1' });
      expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(/inconclusive/);
      const file = analysisFile(r);
      const errorRate = file.steps[0]?.metrics.find((m) => m.name === 'error-rate');
      expect(errorRate?.verdict).toBe('Inconclusive');
      expect(errorRate?.measurements[0]?.reason).toMatch(/no data/);
      expect(imageOf(kube, id)).toBe(OLD_IMAGE);
      expect(servedTotal(track(id).canary)).toBe(0);
    });

    it.concurrent(
      'Prometheus going down mid-run leads to the error policy, never to promotion',
      { timeout: 240_000 },
      async () => {
        const id = `${abbr}-promdown`;
        const kube = await cluster(id, router);
        const proxy = await prometheusProxy(prometheus?.url ?? '');
        const gen = load(track(id), routedWeights(kube, source(id)));
        const running = runCanary(kube, { ...base(id, router), 'prometheus-url': proxy.url });
        // Down as soon as step 1 passed and step 2 began.
        await kube.until(() => (progressOf(kube, id).step ?? 0) >= 2, 120_000, 'step 2');
        await proxy.down();
        const r = await running;
        await gen.stop();
        expect(r.exitCode).toBe(1);
        expect(r.outputs).toMatchObject({ status: 'rolled-back', 'failed-step': '2' });
        expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(
          /could not be measured.*on-error is fail/,
        );
        expect(imageOf(kube, id)).toBe(OLD_IMAGE);
        expect((await routedWeights(kube, source(id))()).canary).toBe(0);
      },
    );

    it.concurrent(
      'a SIGTERM’d main leaves 100% on stable after post; the re-run resumes the same canary',
      { timeout: 240_000 },
      async () => {
        const id = `${abbr}-sigterm`;
        const kube = await cluster(id, router);
        const gen = load(track(id), routedWeights(kube, source(id)));
        const killed = await runCanary(kube, base(id, router), {
          stages: ['main', 'post'],
          killMainWhen: (out) => out.includes('step 2/3: 50% on the canary'),
        });
        expect(killed.stages[0]?.killed).toBe(true);
        expect(killed.stages[1]?.exitCode, killed.stages[1]?.stdout).toBe(0);
        expect(await routedWeights(kube, source(id))()).toEqual({ stable: 100, canary: 0 });
        expect(progressOf(kube, id)).toMatchObject({ phase: 'interrupted', step: 2, weight: 0 });
        const again = await runCanary(kube, base(id, router));
        await gen.stop();
        expect(again.exitCode, again.stdout).toBe(0);
        expect(again.stdout).toMatch(/resuming the unfinished canary \(interrupted at step 2\/3, 0%\) at step 2/);
        expect(again.outputs.status).toBe('promoted');
        expect(analysisFile(again).steps.map((s) => s.weight)).toEqual([50, 100]);
        expect(deploymentCreates(kube)).toBe(1);
        expect(imageOf(kube, id)).toBe(NEW_IMAGE);
        expectRoutesRestored(kube, id, router);
      },
    );

    it.concurrent('abort: with no canary, mid-run, and again after aborting', { timeout: 240_000 }, async () => {
      const id = `${abbr}-abort`;
      const kube = await cluster(id, router);
      const abort = { deployment: id, service: id, action: 'abort', ...routerInputs(id, router) };
      const none = await runCanary(kube, abort);
      expect(none.exitCode, none.stdout).toBe(0);
      expect(none.outputs).toMatchObject({ status: 'aborted', 'final-weight': '0' });
      // main dies at step 1 and no post runs (a lost runner): the canary keeps 10 %.
      const lost = await runCanary(
        kube,
        { ...base(id, router), 'prometheus-url': 'http://127.0.0.1:9' },
        { stages: ['main'], killMainWhen: (out) => out.includes('step 1/3: 10% on the canary') },
      );
      expect(lost.stages[0]?.killed).toBe(true);
      expect((await routedWeights(kube, source(id))()).canary).toBe(10);
      const aborted = await runCanary(kube, abort);
      expect(aborted.exitCode, aborted.stdout).toBe(0);
      expect(aborted.outputs).toMatchObject({ status: 'aborted', 'final-weight': '0' });
      expect(await routedWeights(kube, source(id))()).toEqual({ stable: 100, canary: 0 });
      expect(replicasOf(kube, `${id}-canary`)).toBe(0);
      expect(replicasOf(kube, id)).toBe(stableReplicas(router));
      expect(progressOf(kube, id)).toMatchObject({ phase: 'aborted', step: 1 });
      const twice = await runCanary(kube, abort);
      expect(twice.exitCode).toBe(0);
      expect(twice.outputs.status).toBe('aborted');
      expect(progressOf(kube, id).phase).toBe('aborted');
      expect(imageOf(kube, id)).toBe(OLD_IMAGE);
    });
  });

  describe('canary defaults, gates and plan checks', () => {
    it(
      'applies the CI/CD design’s triggers (5 % errors, 2× p99, 50 % health checks) without an analysis input',
      { timeout: 240_000 },
      async () => {
        const id = 'rep-defaults';
        const kube = await cluster(id, 'replicas');
        const gen = load(track(id), routedWeights(kube, weightSource(id, 'replicas')));
        const { analysis: _omitted, ...inputs } = base(id, 'replicas');
        const r = await runCanary(kube, { ...inputs, pause: '5s' });
        await gen.stop();
        expect(r.exitCode).toBe(1);
        expect(r.outputs).toMatchObject({ status: 'rolled-back', 'failed-step': '1' });
        const metrics = analysisFile(r).steps[0]?.metrics ?? [];
        expect(metrics.map((m) => m.name).sort()).toEqual(['error-rate', 'health-checks', 'latency-p99']);
        const byName = Object.fromEntries(metrics.map((m) => [m.name, m]));
        expect(byName['error-rate']?.query).toContain('[300s]');
        expect(byName['latency-p99']?.query).toMatch(
          /histogram_quantile\(0\.99,.*\[600s\].*\/ histogram_quantile\(0\.99,.*service="rep-defaults"/,
        );
        expect(byName['health-checks']?.query).toContain('[300s]');
        expect(byName['error-rate']?.verdict).toBe('Failed');
        expect(
          byName['error-rate']?.measurements.some(
            (m) => m.verdict === 'Failed' && /success condition \{max 0\.05\}/.test(m.reason),
          ),
        ).toBe(true);
      },
    );

    it(
      'webhooks gate each step, the Mann-Whitney judge runs, an unconfirmed promotion pauses, and promote finishes it',
      { timeout: 240_000 },
      async () => {
        const id = 'gw-gates';
        const kube = await cluster(id, 'gateway-api');
        const calls: Array<{ phase: string; step?: number; weight?: number }> = [];
        const gate = http.createServer((req, res) => {
          let body = '';
          req.on('data', (c: Buffer) => (body += c.toString()));
          req.on('end', () => {
            const payload = JSON.parse(body) as { phase: string; step?: number; weight?: number };
            calls.push({ phase: payload.phase, step: payload.step, weight: payload.weight });
            res.writeHead(payload.phase === 'confirm-promotion' ? 409 : 200).end();
          });
        });
        await new Promise<void>((r) => gate.listen(0, '127.0.0.1', r));
        const url = `http://127.0.0.1:${(gate.address() as AddressInfo).port}`;
        const gen = load(track(id), routedWeights(kube, weightSource(id, 'gateway-api')));
        try {
          const r = await runCanary(kube, {
            ...base(id, 'gateway-api'),
            judge: 'mann-whitney',
            inconclusive: 'pause',
            webhooks: `pre-step: ${url}/pre\nconfirm-promotion: ${url}/confirm`,
          });
          expect(r.exitCode, r.stdout).toBe(0);
          expect(r.outputs).toMatchObject({ status: 'paused', 'final-weight': '100', 'failed-step': '3' });
          expect(calls).toEqual([
            { phase: 'pre-step', step: 1, weight: 10 },
            { phase: 'pre-step', step: 2, weight: 50 },
            { phase: 'pre-step', step: 3, weight: 100 },
            { phase: 'confirm-promotion', step: 3, weight: 100 },
          ]);
          const file = analysisFile(r);
          expect(file.steps.every((s) => s.judge?.classification === 'Pass')).toBe(true);
          expect(progressOf(kube, id)).toMatchObject({ phase: 'paused', step: 3, weight: 100 });
          expect(imageOf(kube, id)).toBe(OLD_IMAGE);
          const promoted = await runCanary(kube, {
            deployment: id,
            service: id,
            action: 'promote',
            ...routerInputs(id, 'gateway-api'),
          });
          expect(promoted.exitCode, promoted.stdout).toBe(0);
          expect(promoted.outputs.status).toBe('promoted');
          expect(imageOf(kube, id)).toBe(NEW_IMAGE);
          expectRoutesRestored(kube, id, 'gateway-api');
        } finally {
          await gen.stop();
          await new Promise<void>((r) => gate.close(() => r()));
        }
      },
    );

    it(
      'inconclusive: pause keeps the canary at its weight; abort from paused sends all traffic back',
      { timeout: 240_000 },
      async () => {
        const id = 'ngx-paused';
        const kube = await cluster(id, 'nginx-ingress');
        // No request reaches the canary: every step is inconclusive (no data).
        const gen = startLoad({
          targets: { stable: track(id).stable.url, canary: track(id).canary.url },
          weights: async () => ({ stable: 100, canary: 0 }),
          ratePerSecond: RATE,
          durationMs: 150_000,
        });
        try {
          const r = await runCanary(kube, { ...base(id, 'nginx-ingress'), inconclusive: 'pause' });
          expect(r.exitCode, r.stdout).toBe(0);
          expect(r.outputs).toMatchObject({ status: 'paused', 'final-weight': '10', 'failed-step': '1' });
          expect(r.annotations.find((a) => a.level === 'notice' && /paused at 10%/.test(a.message))).toBeDefined();
          expect(progressOf(kube, id)).toMatchObject({ phase: 'paused', step: 1, weight: 10 });
          expect((await routedWeights(kube, weightSource(id, 'nginx-ingress'))()).canary).toBe(10);
          const aborted = await runCanary(kube, {
            deployment: id,
            service: id,
            action: 'abort',
            ...routerInputs(id, 'nginx-ingress'),
          });
          expect(aborted.outputs).toMatchObject({ status: 'aborted', 'final-weight': '0' });
          expect(aborted.stdout).toMatch(/abort: aborted from paused: all traffic on ngx-paused/);
          expect((await routedWeights(kube, weightSource(id, 'nginx-ingress'))()).canary).toBe(0);
          expect(replicasOf(kube, `${id}-canary`)).toBe(0);
          expect(imageOf(kube, id)).toBe(OLD_IMAGE);
        } finally {
          await gen.stop();
        }
      },
    );

    it(
      'refuses a weight the replicas router cannot express before touching the cluster',
      { timeout: 60_000 },
      async () => {
        const id = 'rep-plan';
        const kube = await cluster(id, 'replicas');
        const r = await runCanary(kube, { ...base(id, 'replicas'), steps: '5,50,100' });
        expect(r.exitCode).toBe(1);
        expect(r.annotations[0]?.message).toMatch(
          /step 1: 5% cannot be expressed with 9 stable pod\(s\) by the replicas router/,
        );
        expect(kube.get('deployment', `${id}-canary`)).toBeUndefined();
        const last = await runCanary(kube, { ...base(id, 'replicas'), steps: '10,50' });
        expect(last.annotations[0]?.message).toMatch(/Input 'steps'.*the last step is 50%, not 100%/);
      },
    );
  });
});
