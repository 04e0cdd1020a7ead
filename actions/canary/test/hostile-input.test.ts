import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBundled, type RunResult } from '@spikeformer-actions/testing';
import type { KubeDouble } from '@spikeformer-actions/testing/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION, runCanary, seedCluster } from './harness.js';

/*
 * Hostile input (issue #20), run as the runner runs the bundled action against the real kubectl
 * and the API double. A refused case must end with exactly one `::error::` line, no stack trace,
 * no secret in anything the job shows, no workflow command smuggled in by the input, no file
 * outside the workspace read or written, and not one write request to the cluster (every input
 * is checked before the first change).
 */

const ID = 'hostile';
/** Text every injection probe carries: it must never appear in a command other than the one error line. */
const MARK = 'PWNED';
const SECRET = 'S3cr3t-value-4711';
const INJECTIONS = [
  `::error::${MARK}`,
  `x%0A::warning::${MARK}`,
  `::stop-commands::${MARK}`,
  `\u001b[31m::error::${MARK}\u001b[0m`,
  `x\n::warning::${MARK}`,
];

let kube: KubeDouble;
/** A directory outside every workspace, holding a file no case may read or write. */
const outside = mkdtempSync(path.join(tmpdir(), 'sf-outside-'));
const OUTSIDE_FILE = path.join(outside, 'secret.json');
const OUTSIDE_TEXT = `{"marker":"${SECRET}-outside"}\n`;

beforeAll(async () => {
  ensureBundled(ACTION);
  writeFileSync(OUTSIDE_FILE, OUTSIDE_TEXT);
  kube = await seedCluster(ID, 'replicas');
  for (const [name, data] of Object.entries(FLAG_CONFIGMAPS))
    kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
}, 300_000);

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed
  await kube?.close();
  rmSync(outside, { recursive: true, force: true });
});

/** ConfigMaps flagd would watch, one per way a flag document can be hostile. */
const FLAG_DOC = (flags: string): string => `{"flags": {${flags}}}`;
const GOOD_FLAG =
  '"new-checkout": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"}';
const FLAG_CONFIGMAPS: Record<string, Record<string, string>> = {
  'flagd-ok': { 'flags.json': FLAG_DOC(GOOD_FLAG) },
  'flagd-empty': { 'flags.json': '' },
  'flagd-truncated': { 'flags.json': '{"flags": {"new-checkout": {"state": "ENA' },
  'flagd-binary': { 'flags.json': '\u0001\u0002\u00ff\u00fe "new-checkout"' },
  'flagd-deep': { 'flags.json': `{"flags": {"new-checkout": ${'['.repeat(1000)}${']'.repeat(1000)}}}` },
  'flagd-duplicate': { 'flags.json': `{"flags": {\n${GOOD_FLAG},\n${GOOD_FLAG.replace('"off"}', '"on"}')}\n}}` },
  'flagd-huge': {
    'flags.json': FLAG_DOC(
      [
        GOOD_FLAG,
        ...Array.from({ length: 1500 }, (_, i) => `"f${i}": {"state": "ENABLED", "variants": {"on": true}}`),
      ].join(','),
    ),
  },
  'flagd-schema': { 'flags.json': FLAG_DOC('"new-checkout": {"variants": {"on": true, "off": false}}') },
  'flagd-nan': {
    'flags.json': FLAG_DOC('"new-checkout": {"state": "ENABLED", "variants": {"on": NaN, "off": false}}'),
  },
  'flagd-two-keys': { 'a.json': FLAG_DOC(GOOD_FLAG), 'b.json': FLAG_DOC(GOOD_FLAG) },
};

/** Valid inputs of a `run`; each case spoils one. */
const BASE: Record<string, string> = {
  deployment: ID,
  service: ID,
  image: 'api=registry.local/spikeformer-api:2.0',
  'prometheus-url': 'http://127.0.0.1:9',
  pause: '1s',
};

const YAML_ALIAS_BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x, x]',
  ...Array.from(
    { length: 8 },
    (_, i) =>
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
  ),
].join('\n');
const DEEP_YAML = `${'['.repeat(1000)}${']'.repeat(1000)}`;
const DEEP_BLOCK_YAML = `${Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} x`;

interface Case {
  name: string;
  /** The issue #20 row it reproduces, if any. */
  row?: number;
  inputs: Record<string, string>;
  /** The one error line: exact, or a pattern for texts that carry a temp path. */
  error: string | RegExp;
  /** Values that must not be visible anywhere (log outside add-mask, summary, outputs). */
  secrets?: string[];
  /** Values that must have been masked (add-mask) before anything else was printed. */
  masked?: string[];
  /** Prepares the workspace (symlinks, directories). */
  setup?: (workspace: string) => void;
  /** Run without KUBECONFIG, so only the kubeconfig input can reach the cluster. */
  noKubeconfigEnv?: boolean;
  /** The inputs were valid and the cluster failed: the analysis file records the error. */
  failedAfterInputs?: boolean;
}

const E = (text: string): string => `canary: ${text}`;
/** What the log makes of untrusted `::` (a zero-width space breaks the command token). */
const N = (text: string): string => text.replace(/::/g, ':\u200b:');

const CASES: Case[] = [
  // Row 3: durations past what one timer holds, from inputs and from the analysis YAML.
  {
    row: 3,
    name: 'pause 600h',
    inputs: { pause: '600h' },
    error: E(`Input 'pause': "600h" is longer than the maximum 120h`),
  },
  {
    row: 3,
    name: 'pause just over 2^31 ms',
    inputs: { pause: '2147484s' },
    error: E(`Input 'pause': "2147484s" is longer than the maximum 120h`),
  },
  {
    row: 3,
    name: 'rollout-timeout 600h',
    inputs: { 'rollout-timeout': '600h' },
    error: E(`Input 'rollout-timeout': "600h" is longer than the maximum 120h`),
  },
  {
    row: 3,
    name: 'analysis interval 600h',
    inputs: { analysis: 'metrics:\n  - { name: error-rate, interval: 600h }' },
    error: E(`Input 'analysis': analysis.metrics[0].interval: "600h" is longer than the maximum 120h`),
  },
  {
    row: 3,
    name: 'analysis initial-delay 600h',
    inputs: { analysis: 'metrics:\n  - { name: error-rate, initial-delay: 600h }' },
    error: E(`Input 'analysis': analysis.metrics[0].initial-delay: "600h" is longer than the maximum 120h`),
  },
  {
    row: 3,
    name: 'metric-defaults interval 2^31 ms',
    inputs: { analysis: 'metric-defaults: { interval: 2147484s }' },
    error:
      /^canary: Input 'analysis': analysis\.metric-defaults \(on error-rate\)\.interval: "2147484s" is longer than the maximum 120h; /,
  },
  {
    row: 3,
    name: 'analysis interval as a bare huge number',
    inputs: { analysis: 'metrics:\n  - { name: error-rate, interval: 1e12 }' },
    error: E(`Input 'analysis': analysis.metrics[0].interval: "1000000000000" is longer than the maximum 120h`),
  },
  {
    name: 'pause negative',
    inputs: { pause: '-1s' },
    error: E(`Input 'pause': expected a duration like 90s, 5m, 1h or 1m30s, got "-1s"`),
  },
  {
    name: 'pause NaN',
    inputs: { pause: 'NaN' },
    error: E(`Input 'pause': expected a duration like 90s, 5m, 1h or 1m30s, got "NaN"`),
  },
  {
    name: 'pause Infinity',
    inputs: { pause: 'Infinity' },
    error: E(`Input 'pause': expected a duration like 90s, 5m, 1h or 1m30s, got "Infinity"`),
  },
  {
    name: 'rollout-timeout below its minimum',
    inputs: { 'rollout-timeout': '10ms' },
    error: E(`Input 'rollout-timeout': "10ms" is shorter than the minimum 1s`),
  },

  // Row 7: the analysis file is an output path, checked before the cluster is touched.
  {
    row: 7,
    name: 'analysis-file ../ out of the workspace',
    inputs: { 'analysis-file': '../escape.json' },
    error: /^canary: Input 'analysis-file': path '\.\.\/escape\.json' is outside the workspace \/\S+$/,
  },
  {
    row: 7,
    name: 'analysis-file absolute elsewhere',
    inputs: { 'analysis-file': OUTSIDE_FILE },
    error: new RegExp(
      `^canary: Input 'analysis-file': path '${OUTSIDE_FILE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' is outside the workspace /\\S+$`,
    ),
  },
  {
    row: 7,
    name: 'analysis-file through a symlink out',
    inputs: { 'analysis-file': 'out/secret.json' },
    setup: (ws) => symlinkSync(outside, path.join(ws, 'out')),
    error: E(`Input 'analysis-file': path 'out/secret.json' leads through a symlink outside the workspace`),
  },
  {
    row: 7,
    name: 'analysis-file with a line break',
    inputs: { 'analysis-file': `a.json\n::warning::${MARK}` },
    error: E(
      `Input 'analysis-file': contains a line break or control character: the path could not be given as an output`,
    ),
  },
  {
    row: 7,
    name: 'analysis-file is a directory',
    inputs: { 'analysis-file': 'reports' },
    setup: (ws) => mkdirSync(path.join(ws, 'reports')),
    error: E(`Input 'analysis-file': 'reports' is a directory, not a file`),
  },

  // Row 10: the kubeconfig input is masked before any use and never echoed.
  {
    row: 10,
    name: 'kubeconfig: short base64 that is no kubeconfig',
    inputs: { kubeconfig: 'dG9rZW4xMjM=' },
    masked: ['dG9rZW4xMjM='],
    secrets: ['dG9rZW4xMjM='],
    error: E(
      `Input 'kubeconfig': is neither a kubeconfig (YAML, JSON or base64 of either) nor the path of an existing file (the value is not shown: it may be a secret)`,
    ),
  },
  {
    row: 10,
    name: 'kubeconfig: a token pasted by mistake',
    inputs: { kubeconfig: SECRET },
    masked: [SECRET],
    secrets: [SECRET],
    error: E(
      `Input 'kubeconfig': is neither a kubeconfig (YAML, JSON or base64 of either) nor the path of an existing file (the value is not shown: it may be a secret)`,
    ),
  },
  {
    name: 'kubeconfig: inline, unreachable server: the token stays out of the error',
    inputs: {
      action: 'abort',
      kubeconfig: `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "http://127.0.0.1:1"}\nusers:\n- name: u\n  user: {token: ${SECRET}}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n`,
    },
    masked: [SECRET],
    secrets: [SECRET],
    noKubeconfigEnv: true,
    failedAfterInputs: true,
    error:
      'canary: kubectl get deployment hostile-canary -o json failed (after 4 attempts): The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?',
  },
  {
    name: 'kubeconfig: inline without clusters',
    inputs: { kubeconfig: `apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user: {token: ${SECRET}}\n` },
    secrets: [SECRET],
    error: E(`Input 'kubeconfig': is neither a file path nor a kubeconfig (no clusters)`),
  },
  {
    name: 'kubeconfig: inline alias bomb',
    inputs: { kubeconfig: `apiVersion: v1\nclusters: []\n${YAML_ALIAS_BOMB}` },
    error: /^canary: Input 'kubeconfig': invalid YAML: .*\(aliases expand past the limit\)$/,
  },

  // Row 8: YAML bombs and depth in the analysis (and the webhooks) end as an input error.
  {
    row: 8,
    name: 'analysis alias bomb',
    inputs: { analysis: YAML_ALIAS_BOMB },
    error: /^canary: Input 'analysis': invalid YAML: .*\(aliases expand past the limit\)$/,
  },
  {
    row: 8,
    name: 'analysis nested 1000 levels (flow)',
    inputs: { analysis: DEEP_YAML },
    error: E(`Input 'analysis': nests deeper than 256 levels`),
  },
  {
    row: 8,
    name: 'analysis nested 300 levels (block)',
    inputs: { analysis: DEEP_BLOCK_YAML },
    error: E(`Input 'analysis': nests deeper than 256 levels`),
  },
  {
    row: 8,
    name: 'webhooks alias bomb',
    inputs: { webhooks: YAML_ALIAS_BOMB },
    error: /^canary: Input 'webhooks': invalid YAML: .*\(aliases expand past the limit\)$/,
  },

  // Documents: truncated, binary, duplicate keys, wrong shapes, huge.
  {
    name: 'analysis truncated',
    inputs: { analysis: 'metrics:\n  - { name: error-rate, success: { max: 0.' },
    error: /^canary: Input 'analysis': line \d+: invalid YAML: /,
  },
  {
    name: 'analysis binary',
    inputs: { analysis: '\u0001\u0002\u0003\u00ff\u00fe' },
    error: /^canary: Input 'analysis': (line \d+: invalid YAML: .*|expected a map with metrics, or a list of metrics)$/,
  },
  {
    name: 'analysis duplicate key',
    inputs: { analysis: 'metrics: []\nmetrics: []' },
    error: /^canary: Input 'analysis': line 2: invalid YAML: Map keys must be unique/,
  },
  {
    name: 'analysis a scalar',
    inputs: { analysis: 'just text' },
    error: E(`Input 'analysis': expected a map with metrics, or a list of metrics`),
  },
  {
    name: 'analysis huge: thousands of bad metrics give one bounded line',
    inputs: { analysis: `metrics:\n${Array.from({ length: 3000 }, (_, i) => `  - {name: m${i}}`).join('\n')}` },
    error: /^canary: Input 'analysis': metric m0: needs a query; .{0,2000}… and \d+ more problem\(s\)$/,
  },
  {
    name: 'analysis threshold .nan',
    inputs: { analysis: 'metrics:\n  - { name: error-rate, success: { max: .nan } }' },
    error: E(`Input 'analysis': analysis.metrics[0].success.max: expected a finite number, got NaN`),
  },
  {
    name: 'analysis threshold .inf',
    inputs: { analysis: 'metrics:\n  - { name: error-rate, success: { max: .inf } }' },
    error: E(`Input 'analysis': analysis.metrics[0].success.max: expected a finite number, got Infinity`),
  },
  {
    name: 'analysis count negative',
    inputs: { analysis: 'metrics:\n  - { name: error-rate, count: -1 }' },
    error: E(`Input 'analysis': analysis.metrics[0].count: expected a whole number from 1 to 10000, got -1`),
  },
  {
    name: 'analysis count 1e400',
    inputs: { analysis: 'metrics:\n  - { name: error-rate, count: 1e400 }' },
    error: E(`Input 'analysis': analysis.metrics[0].count: expected a whole number from 1 to 10000, got Infinity`),
  },
  {
    name: 'analysis failure-limit fractional',
    inputs: { analysis: 'metrics:\n  - { name: error-rate, failure-limit: 2.5 }' },
    error: E(`Input 'analysis': analysis.metrics[0].failure-limit: expected a whole number from 0 to 10000, got 2.5`),
  },
  {
    name: 'analysis invalid on-no-data enum',
    inputs: { analysis: `metrics:\n  - { name: error-rate, on-no-data: "::error::${MARK}" }` },
    error: E(
      N(
        `Input 'analysis': analysis.metrics[0].on-no-data: expected one of fail, inconclusive, pass, got "::error::${MARK}"`,
      ),
    ),
  },

  // Names, labels and images: injection strings and flag-looking values never reach kubectl or the log raw.
  ...INJECTIONS.map((text, i): Case => ({
    name: `deployment injection #${i + 1}`,
    inputs: { deployment: text },
    error:
      /^canary: Input 'deployment': ".*" is not a valid name \(lower-case DNS label of at most 56 characters, so -canary fits\)$/s,
  })),
  ...INJECTIONS.map((text, i): Case => ({
    name: `service injection #${i + 1}`,
    inputs: { service: text },
    error:
      /^canary: Input 'service': ".*" is not a valid Service name \(lower-case letters, digits and -, starting with a letter, at most 56 characters so -canary fits\)$/s,
  })),
  {
    name: 'service looks like a kubectl flag',
    inputs: { service: '--kubeconfig=/etc/passwd' },
    error: E(
      `Input 'service': "--kubeconfig=/etc/passwd" is not a valid Service name (lower-case letters, digits and -, starting with a letter, at most 56 characters so -canary fits)`,
    ),
  },
  {
    name: 'namespace injection',
    inputs: { namespace: `default\n::warning::${MARK}` },
    error:
      /^canary: Input 'namespace': ".*" is not a valid namespace \(lower-case letters, digits and -, at most 63 characters\)$/s,
  },
  {
    name: 'ingress injection',
    inputs: { router: 'nginx-ingress', ingress: `::error::${MARK}` },
    error: E(
      N(
        `Input 'ingress': "::error::${MARK}" is not a valid Kubernetes name (lower-case letters, digits, - and ., at most 246 characters so -canary fits)`,
      ),
    ),
  },
  {
    name: 'http-route looks like a flag',
    inputs: { router: 'gateway-api', 'http-route': '-o=yaml' },
    error: E(
      `Input 'http-route': "-o=yaml" is not a valid Kubernetes name (lower-case letters, digits, - and ., at most 253 characters)`,
    ),
  },
  {
    name: 'traffic-split injection',
    inputs: { router: 'smi', 'traffic-split': `x%0A::warning::${MARK}` },
    error: E(
      N(
        `Input 'traffic-split': "x%0A::warning::${MARK}" is not a valid Kubernetes name (lower-case letters, digits, - and ., at most 253 characters)`,
      ),
    ),
  },
  {
    name: 'context with a line break',
    inputs: { context: `double\n::warning::${MARK}` },
    error: E(`Input 'context': contains a line break or control character`),
  },
  {
    name: 'image with an escape sequence',
    inputs: { image: `api=registry.local/api:2\u001b[31m::error::${MARK}` },
    error: E(
      N(
        `Input 'image': image "registry.local/api:2\\u001b[31m::error::${MARK}" contains white space or a control character`,
      ),
    ),
  },
  {
    name: 'image with white space',
    inputs: { image: 'api=registry.local/api 2' },
    error: E(`Input 'image': image "registry.local/api 2" contains white space or a control character`),
  },
  {
    name: 'image: container name injection',
    inputs: { image: `::error::${MARK}=x` },
    error: E(N(`Input 'image': "::error::${MARK}" is not a valid container name`)),
  },

  // Enums.
  {
    name: 'action unknown',
    inputs: { action: 'deploy' },
    error: E(`Input 'action': expected one of run, promote, abort, got "deploy"`),
  },
  {
    name: 'router unknown',
    inputs: { router: 'istio' },
    error: E(`Input 'router': expected one of replicas, nginx-ingress, gateway-api, smi, got "istio"`),
  },
  {
    name: 'judge unknown',
    inputs: { judge: `::error::${MARK}` },
    error: E(N(`Input 'judge': expected one of threshold, mann-whitney, got "::error::${MARK}"`)),
  },
  {
    name: 'on-no-data unknown',
    inputs: { 'on-no-data': 'maybe' },
    error: E(`Input 'on-no-data': expected one of fail, inconclusive, pass, got "maybe"`),
  },
  {
    name: 'inconclusive unknown',
    inputs: { inconclusive: 'ignore' },
    error: E(`Input 'inconclusive': expected one of rollback, fail, pause, got "ignore"`),
  },

  // Weights: NaN, negative, huge, not rising.
  {
    name: 'steps NaN',
    inputs: { steps: 'NaN,100' },
    error: E(`Input 'steps': "NaN" is not a weight (a percentage from 1 to 100)`),
  },
  {
    name: 'steps negative',
    inputs: { steps: '-10,100' },
    error: E(`Input 'steps': "-10" is not a weight (a percentage from 1 to 100)`),
  },
  {
    name: 'steps exponent',
    inputs: { steps: '1e1,100' },
    error: E(`Input 'steps': "1e1" is not a weight (a percentage from 1 to 100)`),
  },
  {
    name: 'steps Infinity',
    inputs: { steps: '10,50,Infinity' },
    error: E(`Input 'steps': "Infinity" is not a weight (a percentage from 1 to 100)`),
  },
  {
    name: 'steps huge',
    inputs: { steps: '10,100000' },
    error: E(
      `Input 'steps': step 2: weight 100000 is outside 1–100; the last step is 100000%, not 100%: a canary is only promoted after it carried all the traffic`,
    ),
  },
  { name: 'steps zero', inputs: { steps: '0,100' }, error: E(`Input 'steps': step 1: weight 0 is outside 1–100`) },
  {
    name: 'steps huge list falling: one bounded line',
    inputs: { steps: Array.from({ length: 2000 }, (_, i) => String(100 - (i % 100))).join(',') },
    error: /^canary: Input 'steps': step 2: weight 99 does not go up from 100 .{0,3000}; … and \d+ more problem\(s\)$/,
  },
  {
    name: 'steps not rising',
    inputs: { steps: '10,10,100' },
    error: E(`Input 'steps': step 2: weight 10 does not go up from 10 (weights must rise step by step)`),
  },

  // URLs and secrets on error paths.
  {
    name: 'prometheus-url not http(s), with credentials',
    inputs: { 'prometheus-url': `ftp://admin:${SECRET}@prometheus.local/` },
    masked: [SECRET],
    secrets: [SECRET],
    error: E(`Input 'prometheus-url': expected an http(s) URL, got "ftp://***:***@prometheus.local/"`),
  },
  {
    name: 'prometheus-url not a URL, with credentials',
    inputs: { 'prometheus-url': `admin:${SECRET}@prometheus.local` },
    secrets: [SECRET],
    error: E(`Input 'prometheus-url': expected an http(s) URL, got "***@prometheus.local"`),
  },
  {
    name: 'environment with a line break',
    inputs: { environment: `production\n::warning::${MARK}` },
    error: E(`Input 'environment': contains a line break or control character`),
  },
  {
    name: 'github-token never shown when another input is bad',
    inputs: { 'github-token': SECRET, steps: '10,50' },
    masked: [SECRET],
    secrets: [SECRET],
    error: E(
      `Input 'steps': the last step is 50%, not 100%: a canary is only promoted after it carried all the traffic`,
    ),
  },
  {
    name: 'environment with an escape sequence and a command',
    inputs: { environment: `production\u001b[31m::error::${MARK}` },
    error: E(`Input 'environment': contains a line break or control character`),
  },
  {
    name: 'environment longer than GitHub allows',
    inputs: { environment: 'e'.repeat(256) },
    error: E(`Input 'environment': is longer than GitHub's 255 characters for an environment name`),
  },
  {
    name: 'github-token with a line break and a command',
    inputs: { 'github-token': `${SECRET}\n::warning::${MARK}` },
    secrets: [SECRET],
    error: E(`Input 'github-token': contains whitespace or a control character`),
  },
  {
    name: 'github-token with a space (two words in the authorization header)',
    inputs: { 'github-token': `ghs_x ${SECRET}` },
    secrets: [SECRET],
    error: E(`Input 'github-token': contains whitespace or a control character`),
  },
  {
    name: 'prometheus-token never shown when another input is bad',
    inputs: { 'prometheus-token': SECRET, steps: '10,50' },
    masked: [SECRET],
    secrets: [SECRET],
    error: E(
      `Input 'steps': the last step is 50%, not 100%: a canary is only promoted after it carried all the traffic`,
    ),
  },
  {
    name: 'prometheus-url credentials masked when another input is bad',
    inputs: { 'prometheus-url': `http://admin:${SECRET}@127.0.0.1:9/`, steps: '10,50' },
    masked: [SECRET],
    secrets: [SECRET],
    error: E(
      `Input 'steps': the last step is 50%, not 100%: a canary is only promoted after it carried all the traffic`,
    ),
  },
  {
    name: 'webhook not http(s), with credentials',
    inputs: { webhooks: `pre-step: "ftp://u:${SECRET}@gate.local/"` },
    masked: [SECRET],
    secrets: [SECRET],
    error: E(`Input 'webhooks': pre-step: expected an http(s) URL, got "ftp://***:***@gate.local/"`),
  },
  {
    name: 'webhook unknown kind injection',
    inputs: { webhooks: `"::error::${MARK}": http://x` },
    error: E(N(`Input 'webhooks': unknown webhook ::error::${MARK} (known: pre-step, confirm-promotion, rollback)`)),
  },

  // Alerts, the rules file and the Pushgateway (issue #24): every new input is checked before the first change.
  {
    name: 'alert-matchers without alertmanager-url',
    inputs: { 'alert-matchers': 'severity="critical"' },
    error: E(`Input 'alertmanager-url': alert-matchers needs the Alertmanager to ask`),
  },
  {
    name: 'alertmanager-url without alert-matchers',
    inputs: { 'alertmanager-url': 'http://127.0.0.1:9' },
    error: E(
      `Input 'alert-matchers': alertmanager-url needs alert-matchers: which firing alerts stop the rollout (e.g. severity="critical")`,
    ),
  },
  {
    name: 'alert-matchers injection after a comma',
    inputs: { 'alertmanager-url': 'http://127.0.0.1:9', 'alert-matchers': `severity="critical", ::error::${MARK}` },
    error: E(N(`Input 'alert-matchers': expected a label name at "::error::${MARK}"`)),
  },
  {
    name: 'alert-matchers line break inside a value',
    inputs: { 'alertmanager-url': 'http://127.0.0.1:9', 'alert-matchers': `severity="x\n::warning::${MARK}"` },
    error: E(`Input 'alert-matchers': severity: a value contains a line break or control character`),
  },
  {
    name: 'alert-matchers ANSI escape inside a value',
    inputs: { 'alertmanager-url': 'http://127.0.0.1:9', 'alert-matchers': `severity="\u001b[31m::error::${MARK}"` },
    error: E(`Input 'alert-matchers': severity: a value contains a line break or control character`),
  },
  {
    name: 'alert-matchers %0A encoded command',
    inputs: { 'alertmanager-url': 'http://127.0.0.1:9', 'alert-matchers': `severity=%0A::warning::${MARK}` },
    error: E(N(`Input 'alert-matchers': the value of severity must be in double quotes, got "%0A::warning::${MARK}"`)),
  },
  {
    name: 'alert-matchers unquoted value',
    inputs: { 'alertmanager-url': 'http://127.0.0.1:9', 'alert-matchers': 'severity=critical' },
    error: E(`Input 'alert-matchers': the value of severity must be in double quotes, got "critical"`),
  },
  {
    name: 'alert-matchers only negative matchers',
    inputs: { 'alertmanager-url': 'http://127.0.0.1:9', 'alert-matchers': 'severity!="info"' },
    error: E(
      `Input 'alert-matchers': every matcher also matches an alert without that label: name at least one label value an alert must have (e.g. severity="critical")`,
    ),
  },
  {
    name: 'alert-matchers look-ahead (not RE2)',
    inputs: { 'alertmanager-url': 'http://127.0.0.1:9', 'alert-matchers': 'service=~"(?!api).*"' },
    error: E(`Input 'alert-matchers': service: look-around and back-references are not RE2 regular expressions`),
  },
  {
    name: 'alert-matchers invalid regular expression',
    inputs: { 'alertmanager-url': 'http://127.0.0.1:9', 'alert-matchers': 'service=~"(api"' },
    error: E(`Input 'alert-matchers': service: "(api" is not a valid regular expression`),
  },
  {
    name: 'alert-matchers binary',
    inputs: { 'alertmanager-url': 'http://127.0.0.1:9', 'alert-matchers': '\u0001\u0002\u00ff' },
    error: E(`Input 'alert-matchers': expected a label name at "\\u0001\\u0002ÿ"`),
  },
  {
    name: 'alert-matchers huge: one bounded line',
    inputs: { 'alertmanager-url': 'http://127.0.0.1:9', 'alert-matchers': `severity="${'x'.repeat(100_000)}"` },
    error: E(`Input 'alert-matchers': longer than 4096 characters`),
  },
  {
    name: 'alert-matchers too many',
    inputs: {
      'alertmanager-url': 'http://127.0.0.1:9',
      'alert-matchers': Array.from({ length: 40 }, (_, i) => `l${i}="v"`).join(', '),
    },
    error: E(`Input 'alert-matchers': more than 32 matchers`),
  },
  {
    name: 'alertmanager-url not http(s), with credentials',
    inputs: { 'alertmanager-url': `ftp://admin:${SECRET}@am.local/`, 'alert-matchers': 'severity="critical"' },
    masked: [SECRET],
    secrets: [SECRET],
    error: E(`Input 'alertmanager-url': expected an http(s) URL, got "ftp://***:***@am.local/"`),
  },
  // URL parsing drops the line break; what is left is shown neutralised.
  {
    name: 'alertmanager-url injection',
    inputs: { 'alertmanager-url': `http://am.local/\n::warning::${MARK}`, 'alert-matchers': 'severity="critical"' },
    error: E(N(`Input 'alertmanager-url': expected an http(s) URL, got "http://am.local/::warning::${MARK}"`)),
  },
  {
    name: 'pushgateway-url not a URL, with credentials',
    inputs: { 'pushgateway-url': `admin:${SECRET}@gw.local` },
    secrets: [SECRET],
    error: E(`Input 'pushgateway-url': expected an http(s) URL, got "***@gw.local"`),
  },
  {
    name: 'pushgateway-url file scheme',
    inputs: { 'pushgateway-url': 'file:///etc/passwd' },
    error: E(`Input 'pushgateway-url': expected an http(s) URL, got "file:///etc/passwd"`),
  },
  {
    name: 'rules file: ../ out of the workspace',
    inputs: { 'alert-rules-file': '../escape.json' },
    error: /^canary: Input 'alert-rules-file': path '\.\.\/escape\.json' is outside the workspace \/\S+$/,
  },
  {
    name: 'rules file: absolute elsewhere',
    inputs: { 'alert-rules-file': OUTSIDE_FILE },
    error: new RegExp(
      `^canary: Input 'alert-rules-file': path '${OUTSIDE_FILE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' is outside the workspace /\\S+$`,
    ),
  },
  {
    name: 'rules file: through a symlink out',
    inputs: { 'alert-rules-file': 'out/rules.yml' },
    setup: (ws) => symlinkSync(outside, path.join(ws, 'out')),
    error: E(`Input 'alert-rules-file': path 'out/rules.yml' leads through a symlink outside the workspace`),
  },
  {
    name: 'rules file: with a line break',
    inputs: { 'alert-rules-file': `rules.yml\n::warning::${MARK}` },
    error: E(
      `Input 'alert-rules-file': contains a line break or control character: the path could not be given as an output`,
    ),
  },
  {
    name: 'rules file: a directory',
    inputs: { 'alert-rules-file': 'monitoring' },
    setup: (ws) => mkdirSync(path.join(ws, 'monitoring')),
    error: E(`Input 'alert-rules-file': 'monitoring' is a directory, not a file`),
  },
  {
    name: 'alertmanager-url credentials masked when another input is bad',
    inputs: {
      'alertmanager-url': `http://admin:${SECRET}@127.0.0.1:9/`,
      'alert-matchers': 'severity="critical"',
      'alert-rules-file': '../x.yml',
    },
    masked: [SECRET],
    secrets: [SECRET],
    error: /^canary: Input 'alert-rules-file': path '\.\.\/x\.yml' is outside the workspace \/\S+$/,
  },
  {
    name: 'pushgateway-url credentials masked when another input is bad',
    inputs: { 'pushgateway-url': `http://admin:${SECRET}@127.0.0.1:9/`, 'alert-rules-file': '../x.yml' },
    masked: [SECRET],
    secrets: [SECRET],
    error: /^canary: Input 'alert-rules-file': path '\.\.\/x\.yml' is outside the workspace \/\S+$/,
  },

  // Feature flag inputs (issue #25): checked before the cluster is touched ...
  {
    name: 'flag-key without flag-configmap',
    inputs: { 'flag-key': 'new-checkout' },
    error: E(`Input 'flag-configmap': flag-key is set: name the ConfigMap flagd watches`),
  },
  {
    name: 'flag-configmap without flag-key',
    inputs: { 'flag-configmap': 'flagd-ok' },
    error: E(`Input 'flag-key': flag-configmap is set: name the flag to move`),
  },
  {
    name: 'flag-configmap ../ traversal',
    inputs: { 'flag-configmap': '../kube-system/flags', 'flag-key': 'f' },
    error: E(
      `Input 'flag-configmap': ".." is not a valid Kubernetes name (lower-case letters, digits, - and ., at most 253 characters)`,
    ),
  },
  {
    name: 'flag-configmap absolute path',
    inputs: { 'flag-configmap': '/etc/passwd', 'flag-key': 'f' },
    error: E(`Input 'flag-configmap': expected a ConfigMap name, or name/data-key (got "/etc/passwd")`),
  },
  {
    name: 'flag-configmap data key ../',
    inputs: { 'flag-configmap': 'flagd-ok/../../secret', 'flag-key': 'f' },
    error: E(
      `Input 'flag-configmap': "../../secret" is not a valid ConfigMap data key (letters, digits, -, _ and ., at most 253)`,
    ),
  },
  {
    name: 'flag-configmap data key ..',
    inputs: { 'flag-configmap': 'flagd-ok/..', 'flag-key': 'f' },
    error: E(
      `Input 'flag-configmap': ".." is not a valid ConfigMap data key (letters, digits, -, _ and ., at most 253)`,
    ),
  },
  {
    name: 'flag-configmap looks like a kubectl flag',
    inputs: { 'flag-configmap': '--kubeconfig=/etc/passwd', 'flag-key': 'f' },
    error: E(
      `Input 'flag-configmap': "--kubeconfig=" is not a valid Kubernetes name (lower-case letters, digits, - and ., at most 253 characters)`,
    ),
  },
  ...INJECTIONS.map((text, i): Case => ({
    name: `flag-configmap injection #${i + 1}`,
    inputs: { 'flag-configmap': text, 'flag-key': 'f' },
    error:
      /^canary: Input 'flag-configmap': (contains a line break or control character|".*" is not a valid Kubernetes name \(lower-case letters, digits, - and \., at most 253 characters\))$/s,
  })),
  {
    name: 'flag-key with a line break',
    inputs: { 'flag-configmap': 'flagd-ok', 'flag-key': `f\n::warning::${MARK}` },
    error: E(`Input 'flag-key': contains a line break or control character`),
  },
  {
    name: 'flag-key with an ANSI escape',
    inputs: { 'flag-configmap': 'flagd-ok', 'flag-key': `\u001b[31m::error::${MARK}` },
    error: E(`Input 'flag-key': contains a line break or control character`),
  },
  {
    name: 'flag-key huge',
    inputs: { 'flag-configmap': 'flagd-ok', 'flag-key': 'k'.repeat(100_000) },
    error: E(`Input 'flag-key': the flag key is longer than 256 characters`),
  },
  {
    name: 'flag-variants one variant',
    inputs: { 'flag-configmap': 'flagd-ok', 'flag-key': 'new-checkout', 'flag-variants': 'on' },
    error: E(`Input 'flag-variants': expected <new variant>/<stable variant>, e.g. on/off (got "on")`),
  },
  {
    name: 'flag-variants three parts',
    inputs: { 'flag-configmap': 'flagd-ok', 'flag-key': 'new-checkout', 'flag-variants': 'on/off/x' },
    error: E(`Input 'flag-variants': expected <new variant>/<stable variant>, e.g. on/off (got "on/off/x")`),
  },
  {
    name: 'flag-variants the same twice',
    inputs: { 'flag-configmap': 'flagd-ok', 'flag-key': 'new-checkout', 'flag-variants': 'on/on' },
    error: E(`Input 'flag-variants': the new and the stable variant are both "on"`),
  },
  {
    name: 'flag-variants with a line break',
    inputs: { 'flag-configmap': 'flagd-ok', 'flag-key': 'new-checkout', 'flag-variants': `on/off\n::warning::${MARK}` },
    error: E(`Input 'flag-variants': contains a line break or control character`),
  },
  {
    name: 'flag-variants %0A encoded command',
    inputs: { 'flag-configmap': 'flagd-ok', 'flag-key': 'new-checkout', 'flag-variants': `on%0A::warning::${MARK}` },
    error: E(
      N(`Input 'flag-variants': expected <new variant>/<stable variant>, e.g. on/off (got "on%0A::warning::${MARK}")`),
    ),
  },
  {
    name: 'flag input bad, prometheus-token never shown',
    inputs: { 'prometheus-token': SECRET, 'flag-key': 'new-checkout' },
    masked: [SECRET],
    secrets: [SECRET],
    error: E(`Input 'flag-configmap': flag-key is set: name the ConfigMap flagd watches`),
  },

  // ... and the flag document read from the cluster is checked (flagd's schema, size, depth, duplicates) before the first change.
  {
    name: 'flag-configmap not found',
    inputs: { 'flag-configmap': 'nope', 'flag-key': 'new-checkout' },
    failedAfterInputs: true,
    error: /^canary: configmap\/nope \(flag-configmap\) not found( in namespace \S+)?$/,
  },
  {
    name: 'flag data key missing',
    inputs: { 'flag-configmap': 'flagd-ok/nope.json', 'flag-key': 'new-checkout' },
    failedAfterInputs: true,
    error: E(`configmap/flagd-ok has no data key "nope.json"`),
  },
  {
    name: 'flag in two data keys',
    inputs: { 'flag-configmap': 'flagd-two-keys', 'flag-key': 'new-checkout' },
    failedAfterInputs: true,
    error: E(
      `configmap/flagd-two-keys: cannot tell which data key holds flag "new-checkout" (data keys "a.json", "b.json" mention it); name it as flag-configmap: flagd-two-keys/<key>`,
    ),
  },
  {
    name: 'flag document empty',
    inputs: { 'flag-configmap': 'flagd-empty/flags.json', 'flag-key': 'new-checkout' },
    failedAfterInputs: true,
    error: /^canary: configmap\/flagd-empty key flags\.json(:\d+(:\d+)?)?: .*empty.*$/,
  },
  {
    name: 'flag document truncated',
    inputs: { 'flag-configmap': 'flagd-truncated', 'flag-key': 'new-checkout' },
    failedAfterInputs: true,
    error: /^canary: configmap\/flagd-truncated key flags\.json:1:\d+: invalid JSON: .+$/,
  },
  {
    name: 'flag document binary',
    inputs: { 'flag-configmap': 'flagd-binary', 'flag-key': 'new-checkout' },
    failedAfterInputs: true,
    error: /^canary: configmap\/flagd-binary key flags\.json:1:1: invalid JSON: .+$/,
  },
  {
    name: 'flag document nested 1000 levels',
    inputs: { 'flag-configmap': 'flagd-deep', 'flag-key': 'new-checkout' },
    failedAfterInputs: true,
    error: /^canary: configmap\/flagd-deep key flags\.json:1:\d+: nests deeper than 256 levels$/,
  },
  {
    name: 'flag document duplicate key',
    inputs: { 'flag-configmap': 'flagd-duplicate', 'flag-key': 'new-checkout' },
    failedAfterInputs: true,
    error: E(`configmap/flagd-duplicate key flags.json:3: key "new-checkout" appears twice in one object`),
  },
  {
    name: 'flag document huge',
    inputs: { 'flag-configmap': 'flagd-huge', 'flag-key': 'new-checkout' },
    failedAfterInputs: true,
    error: /^canary: configmap\/flagd-huge key flags\.json: \d+ bytes, more than the 65536 this action changes$/,
  },
  {
    name: 'flag document against flagd schema',
    inputs: { 'flag-configmap': 'flagd-schema', 'flag-key': 'new-checkout' },
    failedAfterInputs: true,
    error: E(
      `configmap/flagd-schema key flags.json: not a valid flagd flag configuration: /flags/new-checkout must have required property 'state'; /flags/new-checkout must match a schema in anyOf`,
    ),
  },
  {
    name: 'flag document NaN',
    inputs: { 'flag-configmap': 'flagd-nan', 'flag-key': 'new-checkout' },
    failedAfterInputs: true,
    error: /^canary: configmap\/flagd-nan key flags\.json:1:\d+: invalid JSON: .+$/,
  },
  {
    name: 'flag-key injection: not in the document',
    inputs: { 'flag-configmap': 'flagd-ok/flags.json', 'flag-key': `::error::${MARK}` },
    failedAfterInputs: true,
    error: E(N(`configmap/flagd-ok key flags.json has no flag "::error::${MARK}"`)),
  },
  {
    name: 'flag-variants injection: not in the flag',
    inputs: { 'flag-configmap': 'flagd-ok', 'flag-key': 'new-checkout', 'flag-variants': `::error::${MARK}/off` },
    failedAfterInputs: true,
    error: E(
      N(`configmap/flagd-ok key flags.json flag "new-checkout" has no variant "::error::${MARK}" (it has "on", "off")`),
    ),
  },
];

function writesSince(since: number): string[] {
  return kube.requests
    .slice(since)
    .filter((q) => q.method !== 'GET')
    .map((q) => `${q.method} ${q.path}`);
}

/** Everything a reader of the job sees, without the add-mask lines (which carry secrets on purpose). */
function visible(r: RunResult): string {
  const log = r.stdout
    .split(/\r\n|\r|\n/)
    .filter((l) => !l.trim().startsWith('::add-mask::'))
    .join('\n');
  return [log, r.stderr, r.summary, JSON.stringify(r.outputs)].join('\n');
}

/** Checks that hold for every run: no stack trace, no smuggled command, every line starting `::` one of ours. */
function expectNoInjection(r: RunResult): void {
  expect(r.stdout).not.toContain('Stack trace');
  const ours = /^::(error|warning|notice|debug|add-mask|group|endgroup)( [^:]*)?::/;
  for (const line of r.stdout.split(/\r\n|\r|\n/)) {
    const text = line.trim();
    if (text.startsWith('::')) expect(text, line).toMatch(ours);
    expect(text, line).not.toContain('##[');
  }
  const smuggled = r.commands.filter(
    (c) => c.command !== 'error' && c.command !== 'add-mask' && c.message.includes(MARK),
  );
  expect(smuggled).toEqual([]);
}

describe('canary: hostile input (bundled action, real kubectl, API double)', { timeout: 120_000 }, () => {
  it.each(CASES.map((c) => [c.row ? `row ${c.row}: ${c.name}` : c.name, c] as const))('%s', async (_, c) => {
    const since = kube.requests.length;
    const workspace = mkdtempSync(path.join(tmpdir(), 'sf-workspace-'));
    try {
      c.setup?.(workspace);
      const client = kube.newClient();
      const r = await runCanary(
        kube,
        { ...BASE, ...c.inputs },
        {
          workspace,
          env: c.noKubeconfigEnv ? { HOME: client.dir } : { KUBECONFIG: client.kubeconfig, HOME: client.dir },
        },
      );
      const errors = r.annotations.filter((a) => a.level === 'error').map((a) => a.message);
      expect(r.exitCode, r.stdout).toBe(1);
      expect(errors).toHaveLength(1);
      if (typeof c.error === 'string') expect(errors[0]).toBe(c.error);
      else expect(errors[0]).toMatch(c.error);
      expect(r.annotations.filter((a) => a.level !== 'error')).toEqual([]);
      expectNoInjection(r);
      for (const secret of c.secrets ?? []) expect(visible(r)).not.toContain(secret);
      for (const secret of c.masked ?? []) {
        expect(r.stdout.split('\n').find((l) => l.includes(secret))).toMatch(/^::add-mask::/);
        expect(r.masks).toContain(secret);
      }
      expect(writesSince(since)).toEqual([]);
      expect(r.outputs).toEqual(c.failedAfterInputs ? { 'analysis-file': 'canary-analysis.json' } : {});
      expect(existsSync(path.join(workspace, 'canary-analysis.json'))).toBe(c.failedAfterInputs === true);
      expect(readFileSync(OUTSIDE_FILE, 'utf8')).toBe(OUTSIDE_TEXT);
      expect(existsSync(path.join(path.dirname(workspace), 'escape.json'))).toBe(false);
      expect(visible(r)).not.toContain(`${SECRET}-outside`);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  });

  it('row 10: a base64 kubeconfig wrapped at 76 columns (GNU base64) is accepted, and masked', async () => {
    const client = kube.newClient();
    const wrapped = (
      Buffer.from(readFileSync(client.kubeconfig, 'utf8'))
        .toString('base64')
        .match(/.{1,76}/g) ?? []
    ).join('\n');
    const since = kube.requests.length;
    const r = await runCanary(
      kube,
      { ...BASE, action: 'abort', kubeconfig: `${wrapped}\n` },
      { env: { HOME: client.dir } },
    );
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({ status: 'aborted', 'final-weight': '0' });
    expect(kube.requests.length).toBeGreaterThan(since);
    expect(writesSince(since)).toEqual([]);
    expect(r.masks).toContain('spikeformer-test-token');
    for (const line of wrapped.split('\n')) expect(visible(r)).not.toContain(line);
    expectNoInjection(r);
  });
});

describe(
  'canary: hostile answers on a run that goes ahead (bundled action, real kubectl, API double)',
  { timeout: 180_000 },
  () => {
    it('a Prometheus answering with workflow commands and escapes: the step fails, everything is escaped, traffic back on the stable', async () => {
      const payload = `::error::${MARK}\n::warning::${MARK} %0A::notice::${MARK} \u001b[31m##[error]${MARK}`;
      const server = http.createServer((_req, res) =>
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: payload })),
      );
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const r = await runCanary(kube, {
          ...BASE,
          image: `api=registry.local/spikeformer-api:2::warning::${MARK}`,
          pause: '0s',
          'rollout-timeout': '40s',
          'prometheus-url': `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          analysis: 'metric-defaults: { interval: 100ms, count: 1 }',
        });
        expect(r.exitCode, r.stdout).toBe(1);
        expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
          expect.stringMatching(
            /^canary: step 1 \(10%\): could not be measured: error-rate, latency-p99, health-checks; on-error is fail$/,
          ),
        ]);
        expect(r.outputs).toMatchObject({ status: 'rolled-back', 'final-weight': '0', 'failed-step': '1' });
        expectNoInjection(r);
        expect(r.stdout).toContain(N(`::error::${MARK}`));
        expect(r.summary).not.toContain('\u001b');
        expect(r.summary).not.toContain(`##[error]${MARK}`);
        expect(JSON.parse(readFileSync(path.join(r.workspace, 'canary-analysis.json'), 'utf8'))).toMatchObject({
          status: 'rolled-back',
        });
        expect((kube.get('deployment', `${ID}-canary`)?.['spec'] as { replicas?: number }).replicas).toBe(0);
        expect((kube.get('deployment', ID)?.['spec'] as { replicas?: number }).replicas).toBe(9);
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    });
  },
);

describe('canary: a hostile Alertmanager (bundled action, real kubectl, API double)', { timeout: 180_000 }, () => {
  it('alert labels carrying workflow commands and escapes: the step fails naming the alert, everything escaped', async () => {
    const hostile = `::error::${MARK}\n::warning::${MARK} %0A::notice::${MARK} \u001b[31m##[error]${MARK}`;
    const server = http.createServer((req, res) => {
      expect(req.url).toMatch(
        /^\/api\/v2\/alerts\?active=true&silenced=false&inhibited=false&filter=severity%3D%22critical%22$/,
      );
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify([
          {
            labels: { alertname: hostile, severity: 'critical' },
            startsAt: new Date().toISOString(),
            fingerprint: 'x',
          },
        ]),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await runCanary(kube, {
        ...BASE,
        pause: '30s',
        'rollout-timeout': '40s',
        'alertmanager-url': `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        'alert-matchers': 'severity="critical"',
      });
      expect(r.exitCode, r.stdout).toBe(1);
      expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
        `canary: step 1 (10%): alert ${N(`::error::${MARK} ⏎ ::warning::${MARK} %0A::notice::${MARK} #\u200b#[error]${MARK}`)} (severity="critical") firing`,
      ]);
      expect(r.outputs).toMatchObject({ status: 'rolled-back', 'final-weight': '0', 'failed-step': '1' });
      expectNoInjection(r);
      expect(r.summary).not.toContain('\u001b');
      expect(r.summary).not.toContain(`##[error]${MARK}`);
      expect((kube.get('deployment', `${ID}-canary`)?.['spec'] as { replicas?: number }).replicas).toBe(0);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('an Alertmanager answering with nested junk: recorded as could not be measured; the step rolls back under on-error fail', async () => {
    const server = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(`${'['.repeat(5000)}${']'.repeat(5000)}`),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const r = await runCanary(kube, {
        ...BASE,
        pause: '0s',
        'rollout-timeout': '40s',
        analysis: 'metric-defaults: { interval: 100ms, count: 1 }',
        'alertmanager-url': `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        'alert-matchers': 'severity="critical"',
      });
      expect(r.exitCode, r.stdout).toBe(1);
      expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
        'canary: step 1 (10%): could not be measured: error-rate, latency-p99, health-checks; on-error is fail',
      ]);
      expect(r.outputs).toMatchObject({ status: 'rolled-back', 'failed-step': '1' });
      const file = JSON.parse(readFileSync(path.join(r.workspace, 'canary-analysis.json'), 'utf8')) as {
        steps: Array<{ metrics: Array<{ name: string; verdict: string; reason: string }> }>;
      };
      expect(file.steps[0]?.metrics.find((m) => m.name === 'alerts')).toMatchObject({
        verdict: 'Error',
        reason: 'Alertmanager could not be asked: Alertmanager answered with something that is not JSON',
      });
      expectNoInjection(r);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('canary: the case list', () => {
  it('covers every issue #20 row of this action', () => {
    expect([...new Set(CASES.map((c) => c.row).filter((r) => r !== undefined))].sort()).toEqual([10, 3, 7, 8]);
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });
});
