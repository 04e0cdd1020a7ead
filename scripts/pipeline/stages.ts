// The stages of the local pipeline, in the order of the CI/CD design, with the inputs each
// action gets on the embedded sample and the outcome the sample is designed to produce.
import path from 'node:path';

export interface StageContext {
  /** The copy of the sample project the actions run in (GITHUB_WORKSPACE). */
  workspace: string;
  /** Outputs of the stages that ran before, by stage name. */
  outputs: Record<string, Record<string, string>>;
  /** Environment a stage needs from a local service (OIDC token endpoint, kubeconfig…). */
  serviceEnv: Record<string, string>;
  /** Inputs a local service provides (URLs, trusted root path…). */
  serviceInputs: Record<string, string>;
}

export type Service = 'sigstore' | 'kubernetes';

export interface StageDefinition {
  name: string;
  /** Folder under actions/. */
  action: string;
  expected: 'passed' | 'failed';
  /** Why the sample gives that outcome (shown in the report and the README). */
  why: string;
  services?: Service[];
  /** A reason to skip the stage in this run (checked after its services started). */
  skip?(ctx: StageContext): string | undefined;
  /** Inputs of a preliminary run whose outputs the stage reads as `<name>:seed`. */
  seed?(ctx: StageContext): Record<string, string>;
  inputs(ctx: StageContext): Record<string, string>;
}

export const STAGES: StageDefinition[] = [
  {
    name: 'security-scan',
    action: 'security-scan',
    expected: 'passed',
    why: 'bandit finds 1 medium (pickle) and 4 low findings; the gate fails on high and above',
    inputs: () => ({ reports: 'reports/bandit.json', 'fail-on': 'high' }),
  },
  {
    name: 'quality-gate',
    action: 'quality-gate',
    expected: 'failed',
    why: 'tests pass and coverage is high, but mypy reports 2 type errors and black would reformat 2 files',
    inputs: () => ({
      coverage: 'reports/coverage.xml',
      junit: 'reports/junit.xml',
      lint: 'mypy:reports/mypy.txt\nblack:reports/black.txt',
      'min-coverage': '80',
      'max-type-errors': '0',
      'require-formatted': 'true',
    }),
  },
  {
    name: 'benchmark-gate',
    action: 'benchmark-gate',
    expected: 'passed',
    why: 'the current run and the baseline measure the same code: no significant regression',
    seed: () => ({
      results: 'reports/benchmark-baseline.json',
      format: 'pytest-benchmark',
      'json-file': 'benchmark-history.json',
    }),
    inputs: (ctx) => ({
      results: 'reports/benchmark-current.json',
      baseline: ctx.outputs['benchmark-gate:seed']?.['json-file'] ?? 'benchmark-history.json',
      format: 'pytest-benchmark',
      'json-file': 'benchmark-gate.json',
    }),
  },
  {
    name: 'sbom',
    action: 'sbom',
    expected: 'passed',
    why: 'CycloneDX 1.6 from the sample lockfile, validated before it is written',
    inputs: () => ({ path: 'requirements.txt', output: 'sbom.cdx.json', reproducible: 'true' }),
  },
  {
    name: 'sign',
    action: 'sign',
    expected: 'passed',
    why: 'keyless signing of the SBOM and wheel list against the local Sigstore stand-in, with SLSA provenance',
    services: ['sigstore'],
    inputs: (ctx) => ({
      files: 'sbom.cdx.json\nrequirements.txt',
      mode: 'keyless',
      attest: 'slsa-provenance',
      // The local stand-in plays the public-good instance: Fulcio and Rekor, no GitHub TSA.
      'sigstore-instance': 'public-good',
      'fulcio-url': ctx.serviceInputs['fulcio-url'] ?? '',
      'rekor-url': ctx.serviceInputs['rekor-url'] ?? '',
      'output-dir': 'signatures',
    }),
  },
  {
    name: 'verify-provenance',
    action: 'verify-provenance',
    expected: 'passed',
    why: 'the signed artifacts verify offline against the stand-in trusted root, under the repository/ref policy',
    services: ['sigstore'],
    inputs: (ctx) => ({
      artifacts: 'sbom.cdx.json\nrequirements.txt',
      bundles: path.posix.join('signatures', '*.json'),
      'trusted-root': ctx.serviceInputs['trusted-root'] ?? '',
      'source-repository': 'spikeformer/spikeformer-kit',
      'source-ref': 'refs/heads/main',
    }),
  },
  {
    name: 'blue-green',
    action: 'blue-green',
    expected: 'passed',
    why: 'green (0.3.0) rolls out, is verified through the preview Service, takes the traffic and passes the default analysis; blue is scaled down',
    services: ['kubernetes'],
    inputs: (ctx) => ({
      namespace: ctx.serviceInputs['namespace'] ?? 'spikeformer',
      service: 'spikeformer-api',
      'preview-service': 'spikeformer-api-preview',
      deployment: 'spikeformer-api',
      image: 'api=ghcr.io/spikeformer/spikeformer-api:0.3.0',
      'prometheus-url': ctx.serviceInputs['prometheus-url'] ?? '',
      'monitor-duration': '8s',
      'scale-down-delay': '2s',
      ...(ctx.serviceInputs['prometheus-url']
        ? {
            // The default triggers over windows that fit a local run.
            analysis: [
              'metrics:',
              '  - name: error-rate',
              '    args: { window: 8s }',
              '    initial-delay: 4s',
              '    interval: 2s',
              '    count: 2',
              '  - name: latency-p99',
              '    args: { window: 8s }',
              '    initial-delay: 4s',
              '    interval: 2s',
              '    count: 2',
              '  - name: health-checks',
              '    args: { window: 8s }',
              '    initial-delay: 4s',
              '    interval: 2s',
              '    count: 2',
            ].join('\n'),
          }
        : {}),
    }),
  },
  {
    name: 'canary',
    action: 'canary',
    expected: 'passed',
    why: 'spikeformer-inference 0.3.0 takes 10 → 50 → 100 % of the HTTPRoute with the default analysis after each step, and is promoted',
    services: ['kubernetes'],
    skip: (ctx) =>
      ctx.serviceInputs['prometheus-url'] ? undefined : 'canary analysis needs Prometheus (apt-get install prometheus)',
    inputs: (ctx) => ({
      namespace: ctx.serviceInputs['namespace'] ?? 'spikeformer',
      deployment: 'spikeformer-inference',
      service: 'spikeformer-inference',
      image: 'inference=ghcr.io/spikeformer/spikeformer-inference:0.3.0',
      router: 'gateway-api',
      'http-route': 'spikeformer-inference',
      steps: '10,50,100',
      pause: '4s',
      'prometheus-url': ctx.serviceInputs['prometheus-url'] ?? '',
      // The default triggers over windows that fit a local run; the latency ratio looks back
      // far enough to see the stable's p99 once the canary has all the traffic.
      analysis: [
        'metric-defaults: { interval: 1s, count: 2 }',
        'metrics:',
        '  - { name: error-rate, args: { window: 8s } }',
        '  - { name: latency-p99, args: { window: 60s } }',
        '  - { name: health-checks, args: { window: 10s } }',
      ].join('\n'),
    }),
  },
  {
    name: 'neuromorphic-smoke',
    action: 'neuromorphic-smoke',
    expected: 'passed',
    why: "the NIR paper's LIF graph runs on the float, bit-accurate Loihi 2 and SpiNNaker simulators and matches each platform's golden trace",
    inputs: () => ({
      graph: 'model/lif.nir',
      dt: '1e-4',
      stimulus: 'model/lif_norse.csv#spikes=0',
      golden:
        'float-ref: model/lif_norse.csv#spikes=2,v=1\nloihi2-bitacc: model/lif_lava_cpu_fixed.csv#spikes=2,v=1\nspinnaker-fixed: model/lif_spinnaker2.csv#spikes=2',
      backends: 'float-ref,loihi2-bitacc,spinnaker-fixed',
      profile: 'loihi2',
      results: 'neuromorphic/results.json',
    }),
  },
];
