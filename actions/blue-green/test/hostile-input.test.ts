import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBundled, runBundledAction, type RunResult } from '@spikeformer-actions/testing';
import type { KubeDouble } from '@spikeformer-actions/testing/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededCluster, selectorOf } from './cluster.js';

/*
 * Hostile input (issue #20), run as the runner runs the bundled action against the real kubectl
 * and the API double. A refused case must end with exactly one `::error::` line, no stack trace,
 * no secret in anything the job shows, no workflow command smuggled in by the input, no file
 * outside the workspace read or written, and not one write request to the cluster (every input
 * is checked before the first change): the active Service keeps its selector.
 */

const ACTION = path.resolve(import.meta.dirname, '..');
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
const outside = mkdtempSync(path.join(tmpdir(), 'sf-outside-'));
const OUTSIDE_RECORD = path.join(outside, 'record.json');
const OUTSIDE_TEXT = `{"marker":"${SECRET}-outside"}\n`;
const OUTSIDE_MANIFEST = path.join(outside, 'deploy.yaml');

function deploymentYaml(image: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers: [{name: api, image: "${image}"}]\n`;
}

beforeAll(async () => {
  ensureBundled(ACTION);
  writeFileSync(OUTSIDE_RECORD, OUTSIDE_TEXT);
  writeFileSync(OUTSIDE_MANIFEST, deploymentYaml(`registry.local/${SECRET}-outside:1`));
  kube = await seededCluster();
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

const BASE: Record<string, string> = {
  service: 'api',
  'preview-service': 'api-preview',
  deployment: 'api',
  image: 'api=registry.local/spikeformer-api:2.0',
  'monitor-duration': '1s',
  'scale-down-delay': '1s',
  'rollout-timeout': '20s',
  'health-checks': '1',
};
/** Manifests instead of image. */
const WITH_MANIFEST = { image: '', manifests: 'm.yaml' };

const ALIAS_BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x, x]',
  ...Array.from({ length: 8 }, (_, i) => {
    const prev = String.fromCharCode(97 + i);
    return `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array.from({ length: 10 }, () => `*${prev}`).join(', ')}]`;
  }),
].join('\n');
const DEEP_YAML = `${'['.repeat(1000)}${']'.repeat(1000)}`;

interface Case {
  name: string;
  row?: number;
  inputs: Record<string, string>;
  error: string | RegExp;
  secrets?: string[];
  masked?: string[];
  setup?: (workspace: string) => void;
  noKubeconfigEnv?: boolean;
  /** The inputs were valid and the cluster failed (nothing was changed either). */
  failedAfterInputs?: boolean;
}

const E = (text: string): string => `blue-green: ${text}`;
const N = (text: string): string => text.replace(/::/g, ':\u200b:');
const manifest =
  (text: string | Buffer) =>
  (ws: string): void =>
    writeFileSync(path.join(ws, 'm.yaml'), text);
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const CASES: Case[] = [
  // Row 3: durations past what one timer holds.
  {
    row: 3,
    name: 'scale-down-delay 600h',
    inputs: { 'scale-down-delay': '600h' },
    error: E(`Input 'scale-down-delay': "600h" is longer than the maximum 120h`),
  },
  {
    row: 3,
    name: 'monitor-duration 600h',
    inputs: { 'monitor-duration': '600h' },
    error: E(`Input 'monitor-duration': "600h" is longer than the maximum 120h`),
  },
  {
    row: 3,
    name: 'rollout-timeout 2^31 ms',
    inputs: { 'rollout-timeout': '2147484s' },
    error: E(`Input 'rollout-timeout': "2147484s" is longer than the maximum 120h`),
  },
  {
    row: 3,
    name: 'analysis interval 600h',
    inputs: { 'prometheus-url': 'http://127.0.0.1:9', analysis: 'metrics:\n  - { name: error-rate, interval: 600h }' },
    error: E(`Input 'analysis': analysis.metrics[0].interval: "600h" is longer than the maximum 120h`),
  },
  {
    row: 3,
    name: 'pre-switch-analysis initial-delay 600h',
    inputs: {
      'prometheus-url': 'http://127.0.0.1:9',
      'pre-switch-analysis': 'metrics:\n  - { name: up, query: up, success: "result[0] == 1", initial-delay: 600h }',
    },
    error: E(`Input 'pre-switch-analysis': analysis.metrics[0].initial-delay: "600h" is longer than the maximum 120h`),
  },
  {
    name: 'scale-down-delay negative',
    inputs: { 'scale-down-delay': '-5s' },
    error: E(`Input 'scale-down-delay': expected a duration like 90s, 5m, 1h or 1m30s, got "-5s"`),
  },
  {
    name: 'monitor-duration NaN',
    inputs: { 'monitor-duration': 'NaN' },
    error: E(`Input 'monitor-duration': expected a duration like 90s, 5m, 1h or 1m30s, got "NaN"`),
  },

  // Row 7: the record file is an output path, checked before the cluster is touched.
  {
    row: 7,
    name: 'record-file ../ out of the workspace',
    inputs: { image: 'api=registry.local/spikeformer-api:7.1', 'record-file': '../escape.json' },
    error: /^blue-green: Input 'record-file': path '\.\.\/escape\.json' is outside the workspace \/\S+$/,
  },
  {
    row: 7,
    name: 'record-file absolute elsewhere',
    inputs: { image: 'api=registry.local/spikeformer-api:7.2', 'record-file': OUTSIDE_RECORD },
    error: new RegExp(
      `^blue-green: Input 'record-file': path '${escape(OUTSIDE_RECORD)}' is outside the workspace /\\S+$`,
    ),
  },
  {
    row: 7,
    name: 'record-file through a symlink out',
    inputs: { image: 'api=registry.local/spikeformer-api:7.3', 'record-file': 'out/record.json' },
    setup: (ws) => symlinkSync(outside, path.join(ws, 'out')),
    error: E(`Input 'record-file': path 'out/record.json' leads through a symlink outside the workspace`),
  },
  {
    row: 7,
    name: 'record-file with a line break',
    inputs: { image: 'api=registry.local/spikeformer-api:7.4', 'record-file': `r.json\n::warning::${MARK}` },
    error: E(
      `Input 'record-file': contains a line break or control character: the path could not be given as an output`,
    ),
  },
  {
    row: 7,
    name: 'record-file is a directory',
    inputs: { image: 'api=registry.local/spikeformer-api:7.5', 'record-file': 'reports' },
    setup: (ws) => mkdirSync(path.join(ws, 'reports')),
    error: E(`Input 'record-file': 'reports' is a directory, not a file`),
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
      action: 'cleanup',
      kubeconfig: `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "http://127.0.0.1:1"}\nusers:\n- name: u\n  user: {token: ${SECRET}}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n`,
    },
    masked: [SECRET],
    secrets: [SECRET],
    noKubeconfigEnv: true,
    failedAfterInputs: true,
    error:
      'blue-green: kubectl get service api -o json failed (after 4 attempts): The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?',
  },

  // Row 8 (a probe here): YAML bombs and depth in the analysis inputs and in manifests.
  {
    name: 'analysis alias bomb',
    inputs: { 'prometheus-url': 'http://127.0.0.1:9', analysis: ALIAS_BOMB },
    error: /^blue-green: Input 'analysis': invalid YAML: .*\(aliases expand past the limit\)$/,
  },
  {
    name: 'pre-switch-analysis nested 1000 levels',
    inputs: { 'prometheus-url': 'http://127.0.0.1:9', 'pre-switch-analysis': DEEP_YAML },
    error: E(`Input 'pre-switch-analysis': nests deeper than 256 levels`),
  },
  {
    name: 'analysis huge: one bounded line',
    inputs: {
      'prometheus-url': 'http://127.0.0.1:9',
      analysis: `metrics:\n${Array.from({ length: 3000 }, (_, i) => `  - {name: m${i}}`).join('\n')}`,
    },
    error: /^blue-green: Input 'analysis': metric m0: needs a query; .{0,2000}… and \d+ more problem\(s\)$/,
  },
  {
    name: 'manifest alias bomb',
    inputs: WITH_MANIFEST,
    setup: manifest(`${deploymentYaml('x:1')}---\n${ALIAS_BOMB}\n`),
    error: /^blue-green: m\.yaml: invalid YAML: .*\(aliases expand past the limit\)$/,
  },
  {
    name: 'manifest nested 1000 levels',
    inputs: WITH_MANIFEST,
    setup: manifest(DEEP_YAML),
    error: E('m.yaml: nests deeper than 256 levels'),
  },
  {
    name: 'manifest duplicate key',
    inputs: WITH_MANIFEST,
    setup: manifest('kind: Deployment\nkind: Service\n'),
    error: /^blue-green: m\.yaml:2:1: invalid YAML: Map keys must be unique/,
  },
  {
    name: 'manifest truncated',
    inputs: WITH_MANIFEST,
    setup: manifest('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api'),
    error: /^blue-green: m\.yaml:\d+:\d+: invalid YAML: /,
  },
  {
    name: 'manifest binary',
    inputs: WITH_MANIFEST,
    setup: manifest(Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x02, 0x7f, 0x80, 0x1b, 0x5b, 0x33, 0x31, 0x6d])),
    error: E(`Input 'manifests': no Deployment in m.yaml`),
  },
  {
    name: 'manifest empty',
    inputs: WITH_MANIFEST,
    setup: manifest(''),
    error: E(`Input 'manifests': no Deployment in m.yaml`),
  },
  {
    name: 'manifest Deployment without containers',
    inputs: WITH_MANIFEST,
    setup: manifest('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec: {template: {spec: {}}}\n'),
    error: E(`Input 'manifests': m.yaml: the Deployment has no containers (spec.template.spec.containers)`),
  },
  {
    name: 'manifest Deployment with a nameless container',
    inputs: WITH_MANIFEST,
    setup: manifest(
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec: {template: {spec: {containers: [{image: 7}]}}}\n',
    ),
    error: E(`Input 'manifests': m.yaml: container 1 of the Deployment needs a name and an image`),
  },
  {
    name: 'manifest too large',
    inputs: WITH_MANIFEST,
    setup: manifest(`# ${'x'.repeat(5 * 1024 * 1024)}\n`),
    error: /^blue-green: m\.yaml: is 5(\.0)? MiB, over the limit of 4(\.0)? MiB$/,
  },

  // Paths: traversal, absolute, symlinks out (nothing outside is read).
  {
    name: 'manifests ../ out of the workspace',
    inputs: { image: '', manifests: `../${path.basename(outside)}/deploy.yaml` },
    error: new RegExp(
      `^blue-green: Input 'manifests': path '\\.\\./${escape(path.basename(outside))}/deploy\\.yaml' is outside the workspace /\\S+$`,
    ),
  },
  {
    name: 'manifests absolute elsewhere',
    inputs: { image: '', manifests: OUTSIDE_MANIFEST },
    error: new RegExp(
      `^blue-green: Input 'manifests': path '${escape(OUTSIDE_MANIFEST)}' is outside the workspace /\\S+$`,
    ),
  },
  {
    name: 'manifests /etc/passwd',
    inputs: { image: '', manifests: '/etc/passwd' },
    error: /^blue-green: Input 'manifests': path '\/etc\/passwd' is outside the workspace \/\S+$/,
  },
  {
    name: 'manifests through a symlinked file',
    inputs: { image: '', manifests: 'link.yaml' },
    setup: (ws) => symlinkSync(OUTSIDE_MANIFEST, path.join(ws, 'link.yaml')),
    error: E(`Input 'manifests': path 'link.yaml' leads through a symlink outside the workspace`),
  },
  {
    name: 'manifests glob through a symlinked folder',
    inputs: { image: '', manifests: 'out/*.yaml' },
    setup: (ws) => symlinkSync(outside, path.join(ws, 'out')),
    error: /^blue-green: Input 'manifests': pattern 'out\/\*\.yaml' reaches outside the workspace \/\S+$/,
  },

  // Names: injection strings and flag-looking values.
  ...INJECTIONS.map((text, i): Case => ({
    name: `deployment injection #${i + 1}`,
    inputs: { deployment: text },
    error:
      /^blue-green: Input 'deployment': ".*" is not a valid base name \(lower-case DNS label of at most 57 characters, so -green fits\)$/s,
  })),
  ...INJECTIONS.map((text, i): Case => ({
    name: `service injection #${i + 1}`,
    inputs: { service: text },
    error:
      /^blue-green: Input 'service': ".*" is not a valid Service name \(lower-case letters, digits and -, starting with a letter, at most 63 characters\)$/s,
  })),
  {
    name: 'service looks like a kubectl flag',
    inputs: { service: '--kubeconfig=/etc/passwd' },
    error: E(
      `Input 'service': "--kubeconfig=/etc/passwd" is not a valid Service name (lower-case letters, digits and -, starting with a letter, at most 63 characters)`,
    ),
  },
  {
    name: 'preview-service injection',
    inputs: { 'preview-service': `::error::${MARK}` },
    error: E(
      N(
        `Input 'preview-service': "::error::${MARK}" is not a valid Service name (lower-case letters, digits and -, starting with a letter, at most 63 characters)`,
      ),
    ),
  },
  {
    name: 'namespace injection',
    inputs: { namespace: `default\n::warning::${MARK}` },
    error:
      /^blue-green: Input 'namespace': ".*" is not a valid namespace \(lower-case letters, digits and -, at most 63 characters\)$/s,
  },
  {
    name: 'context with a line break',
    inputs: { context: `double\n::warning::${MARK}` },
    error: E(`Input 'context': contains a line break or control character`),
  },
  {
    name: 'environment with a line break',
    inputs: { environment: `production\n::warning::${MARK}` },
    error: E(`Input 'environment': contains a line break or control character`),
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
    name: 'image with an escape sequence',
    inputs: { image: `api=registry.local/api:2\u001b[31m::error::${MARK}` },
    error: E(
      N(
        `Input 'image': image "registry.local/api:2\\u001b[31m::error::${MARK}" contains white space or a control character`,
      ),
    ),
  },
  {
    name: 'image and manifests both',
    inputs: { manifests: 'm.yaml' },
    setup: manifest(deploymentYaml('x:1')),
    error: E(`Input 'manifests': give image or manifests, not both`),
  },

  // Enums and numbers.
  {
    name: 'action unknown',
    inputs: { action: 'deploy-all' },
    error: E(`Input 'action': expected one of deploy, switch, rollback, cleanup, full, got "deploy-all"`),
  },
  {
    name: 'health-checks NaN',
    inputs: { 'health-checks': 'NaN' },
    error: E(`Input 'health-checks': expected a whole number, got "NaN"`),
  },
  {
    name: 'health-checks negative',
    inputs: { 'health-checks': '-1' },
    error: E(`Input 'health-checks': "-1" is below the minimum 1`),
  },
  {
    name: 'health-checks huge',
    inputs: { 'health-checks': '1e9' },
    error: E(`Input 'health-checks': expected a whole number, got "1e9"`),
  },
  {
    name: 'health-checks too many',
    inputs: { 'health-checks': '101' },
    error: E(`Input 'health-checks': "101" is above the maximum 100`),
  },
  {
    name: 'health-command unclosed quote',
    inputs: { 'health-command': `curl "http://x` },
    error: E(`Input 'health-command': unclosed " quote`),
  },

  // URLs and secrets on error paths.
  {
    name: 'health-url not http(s), with credentials',
    inputs: { 'health-url': `ftp://u:${SECRET}@health.local/` },
    masked: [SECRET],
    secrets: [SECRET],
    error: E(`Input 'health-url': expected an http(s) URL, got "ftp://***:***@health.local/"`),
  },
  {
    name: 'prometheus-url not a URL, with credentials',
    inputs: { 'prometheus-url': `admin:${SECRET}@prometheus.local` },
    secrets: [SECRET],
    error: E(`Input 'prometheus-url': expected an http(s) URL, got "***@prometheus.local"`),
  },
  {
    name: 'github-token never shown when another input is bad',
    inputs: { 'github-token': SECRET, 'health-checks': '0' },
    masked: [SECRET],
    secrets: [SECRET],
    error: E(`Input 'health-checks': "0" is below the minimum 1`),
  },
  {
    name: 'prometheus-token never shown when another input is bad',
    inputs: { 'prometheus-token': SECRET, 'health-checks': '0' },
    masked: [SECRET],
    secrets: [SECRET],
    error: E(`Input 'health-checks': "0" is below the minimum 1`),
  },
  {
    name: 'health-url credentials masked when another input is bad',
    inputs: { 'health-url': `http://u:${SECRET}@127.0.0.1:9/health`, 'health-checks': '0' },
    masked: [SECRET],
    secrets: [SECRET],
    error: E(`Input 'health-checks': "0" is below the minimum 1`),
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
    error: /^blue-green: Input 'alert-rules-file': path '\.\.\/escape\.json' is outside the workspace \/\S+$/,
  },
  {
    name: 'rules file: absolute elsewhere',
    inputs: { 'alert-rules-file': OUTSIDE_RECORD },
    error: new RegExp(
      `^blue-green: Input 'alert-rules-file': path '${OUTSIDE_RECORD.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' is outside the workspace /\\S+$`,
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
    error: /^blue-green: Input 'alert-rules-file': path '\.\.\/x\.yml' is outside the workspace \/\S+$/,
  },
  {
    name: 'pushgateway-url credentials masked when another input is bad',
    inputs: { 'pushgateway-url': `http://admin:${SECRET}@127.0.0.1:9/`, 'alert-rules-file': '../x.yml' },
    masked: [SECRET],
    secrets: [SECRET],
    error: /^blue-green: Input 'alert-rules-file': path '\.\.\/x\.yml' is outside the workspace \/\S+$/,
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
      /^blue-green: Input 'flag-configmap': (contains a line break or control character|".*" is not a valid Kubernetes name \(lower-case letters, digits, - and \., at most 253 characters\))$/s,
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
    error: /^blue-green: configmap\/nope \(flag-configmap\) not found( in namespace \S+)?$/,
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
    error: /^blue-green: configmap\/flagd-empty key flags\.json(:\d+(:\d+)?)?: .*empty.*$/,
  },
  {
    name: 'flag document truncated',
    inputs: { 'flag-configmap': 'flagd-truncated', 'flag-key': 'new-checkout' },
    failedAfterInputs: true,
    error: /^blue-green: configmap\/flagd-truncated key flags\.json:1:\d+: invalid JSON: .+$/,
  },
  {
    name: 'flag document binary',
    inputs: { 'flag-configmap': 'flagd-binary', 'flag-key': 'new-checkout' },
    failedAfterInputs: true,
    error: /^blue-green: configmap\/flagd-binary key flags\.json:1:1: invalid JSON: .+$/,
  },
  {
    name: 'flag document nested 1000 levels',
    inputs: { 'flag-configmap': 'flagd-deep', 'flag-key': 'new-checkout' },
    failedAfterInputs: true,
    error: /^blue-green: configmap\/flagd-deep key flags\.json:1:\d+: nests deeper than 256 levels$/,
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
    error: /^blue-green: configmap\/flagd-huge key flags\.json: \d+ bytes, more than the 65536 this action changes$/,
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
    error: /^blue-green: configmap\/flagd-nan key flags\.json:1:\d+: invalid JSON: .+$/,
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

function visible(r: RunResult): string {
  const log = r.stdout
    .split(/\r\n|\r|\n/)
    .filter((l) => !l.trim().startsWith('::add-mask::'))
    .join('\n');
  return [log, r.stderr, r.summary, JSON.stringify(r.outputs)].join('\n');
}

function expectNoInjection(r: RunResult): void {
  expect(r.stdout).not.toContain('Stack trace');
  const ours = /^::(error|warning|notice|debug|add-mask|group|endgroup)( [^:]*)?::/;
  for (const line of r.stdout.split(/\r\n|\r|\n/)) {
    const text = line.trim();
    if (text.startsWith('::')) expect(text, line).toMatch(ours);
    expect(text, line).not.toContain('##[');
  }
  expect(
    r.commands.filter((c) => c.command !== 'error' && c.command !== 'add-mask' && c.message.includes(MARK)),
  ).toEqual([]);
}

async function run(
  inputs: Record<string, string>,
  options: { workspace?: string; noKubeconfigEnv?: boolean } = {},
): Promise<RunResult> {
  const client = kube.newClient();
  const env: Record<string, string> = options.noKubeconfigEnv
    ? { HOME: client.dir }
    : { KUBECONFIG: client.kubeconfig, HOME: client.dir };
  return runBundledAction(ACTION, {
    inputs,
    env,
    timeoutMs: 90_000,
    ...(options.workspace ? { workspace: options.workspace } : {}),
  });
}

describe('blue-green: hostile input (bundled action, real kubectl, API double)', { timeout: 120_000 }, () => {
  it.each(CASES.map((c) => [c.row ? `row ${c.row}: ${c.name}` : c.name, c] as const))('%s', async (_, c) => {
    const since = kube.requests.length;
    const selector = selectorOf(kube);
    const workspace = mkdtempSync(path.join(tmpdir(), 'sf-workspace-'));
    try {
      c.setup?.(workspace);
      const r = await run(
        { ...BASE, ...c.inputs },
        { workspace, ...(c.noKubeconfigEnv ? { noKubeconfigEnv: true } : {}) },
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
      expect(selectorOf(kube)).toEqual(selector);
      expect(r.outputs).toEqual({});
      expect(existsSync(path.join(workspace, 'blue-green-record.json'))).toBe(false);
      expect(readFileSync(OUTSIDE_RECORD, 'utf8')).toBe(OUTSIDE_TEXT);
      expect(existsSync(path.join(path.dirname(workspace), 'escape.json'))).toBe(false);
      expect(visible(r)).not.toContain(`${SECRET}-outside`);
      expect(JSON.stringify(kube.list('deployment'))).not.toContain(`${SECRET}-outside`);
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
    const active = selectorOf(kube)['spikeformer.io/color'];
    const r = await runBundledAction(ACTION, {
      inputs: { ...BASE, action: 'cleanup', kubeconfig: `${wrapped}\n` },
      env: { HOME: client.dir },
      timeoutMs: 90_000,
    });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({ status: 'unchanged', 'active-color': active });
    expect(kube.requests.length).toBeGreaterThan(since);
    expect(r.masks).toContain('spikeformer-test-token');
    for (const line of wrapped.split('\n')) expect(visible(r)).not.toContain(line);
    expectNoInjection(r);
  });
});

describe(
  'blue-green: hostile answers on a run that goes ahead (bundled action, real kubectl, API double)',
  { timeout: 180_000 },
  () => {
    it('a health command printing workflow commands and escapes: no switch, everything escaped, the active colour untouched', async () => {
      const selector = selectorOf(kube);
      const script = `process.stdout.write(${JSON.stringify(`::error::${MARK}\n::set-output name=x::${MARK}\n\u001b[31m##[warning]${MARK} %0A::warning::${MARK}`)}); process.exit(3)`;
      const r = await run({
        ...BASE,
        image: `api=registry.local/spikeformer-api:9::warning::${MARK}`,
        'health-command': `${process.execPath} -e '${script}'`,
      });
      expect(r.exitCode, r.stdout).toBe(1);
      const idle = selector['spikeformer.io/color'] === 'blue' ? 'green' : 'blue';
      expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
        `blue-green: no switch: health checks of ${idle} failed`,
      ]);
      expectNoInjection(r);
      expect(r.stdout).toContain(N(`##[warning]${MARK}`).replace('##[', '#\u200b#['));
      expect(selectorOf(kube)).toEqual(selector);
      expect(r.summary).not.toContain('\u001b');
      expect(r.summary).not.toContain(`##[warning]${MARK}`);
      const record = JSON.parse(readFileSync(path.join(r.workspace, 'blue-green-record.json'), 'utf8')) as {
        status: string;
        probes: Array<{ ok: boolean; detail: string }>;
      };
      expect(record.status).toBe('unchanged');
      expect(record.probes).toEqual([
        expect.objectContaining({ ok: false, detail: expect.stringContaining(`exit 3: `) }),
      ]);
    });
  },
);

describe('blue-green: a hostile Alertmanager (bundled action, real kubectl, API double)', { timeout: 180_000 }, () => {
  it('alert labels carrying workflow commands and escapes: switched back at once naming the alert, everything escaped', async () => {
    const hostile = `::error::${MARK}\n::warning::${MARK} %0A::notice::${MARK} \u001b[31m##[error]${MARK}`;
    const server = http.createServer((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          JSON.stringify([
            { labels: { alertname: hostile, severity: 'critical', service: `\u001b]8;;http://evil\u0007${MARK}` } },
          ]),
        ),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const before = selectorOf(kube)['spikeformer.io/color'];
    try {
      const r = await run({
        ...BASE,
        image: 'api=registry.local/spikeformer-api:24.1',
        'monitor-duration': '60s',
        'alertmanager-url': `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        'alert-matchers': 'severity="critical"',
      });
      expect(r.exitCode, r.stdout).toBe(1);
      expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
        `blue-green: switched back to ${before}: alert ${N(`::error::${MARK} ⏎ ::warning::${MARK} %0A::notice::${MARK} #\u200b#[error]${MARK}`)} (severity="critical") firing`,
      ]);
      expect(r.outputs).toMatchObject({ status: 'rolled-back', 'active-color': before });
      expectNoInjection(r);
      expect(r.summary).not.toContain('\u001b');
      expect(r.summary).not.toContain(`##[error]${MARK}`);
      expect(selectorOf(kube)['spikeformer.io/color']).toBe(before);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('blue-green: the case list', () => {
  it('covers every issue #20 row of this action', () => {
    expect([...new Set(CASES.map((c) => c.row).filter((r) => r !== undefined))].sort()).toEqual([10, 3, 7]);
    expect(CASES.length).toBeGreaterThanOrEqual(55);
  });
});
