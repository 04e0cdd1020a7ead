import { InputError, inputs, workspaceRelative, workspaceRoot } from '@spikeformer-actions/core';
import { checkCorrelator, defaultCorrelator } from './correlator.js';
import type { SpecVersion } from './serialize.js';
import type { SubmissionChoice } from './submission-plan.js';

/** CycloneDX JSON or XML, or SPDX 2.3 JSON. */
export type Format = 'json' | 'xml' | 'spdx-json';

export interface Inputs {
  /** Absolute path of a lockfile or a directory to search. */
  path: string;
  exclude: string[];
  specVersion: SpecVersion;
  /** Absolute path of the SBOM to write. */
  output: string;
  format: Format;
  includeDev: boolean;
  reproducible: boolean;
  componentName: string | undefined;
  componentVersion: string | undefined;
  /** Token for the dependency submission API; '' = do not submit. */
  githubToken: string;
  dependencySubmission: SubmissionChoice;
  /** The snapshot's job.correlator: the input, else workflow_job_step. */
  correlator: string;
  /** The license-policy input as given (inline YAML/JSON or a file); '' = no policy. */
  licensePolicy: string;
  /** Absolute path of an installed Python environment to read licenses from; '' = none. */
  pythonEnvironment: string;
}

/** Cross-field checks, kept pure for tests. */
export function validate(value: Inputs): Inputs {
  // The output is named in an output value and the log: a line break would end it.
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f\u2028\u2029]/.test(value.output))
    throw new InputError('output', 'holds a line break or a control character');
  const wantsXml = /\.xml$/i.test(value.output);
  const wantsJson = /\.json$/i.test(value.output);
  if ((value.format !== 'xml' && wantsXml) || (value.format === 'xml' && wantsJson)) {
    throw new InputError('output', `'${value.output.replace(/^.*[\\/]/, '')}' does not match format '${value.format}'`);
  }
  // A token is one word: a line break in it would split the authorization header.
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value.githubToken))
    throw new InputError('github-token', 'contains whitespace or a control character');
  if (value.dependencySubmission === 'true' && value.githubToken === '')
    throw new InputError(
      'github-token',
      'is empty, and dependency-submission: true needs a token with `permissions: contents: write`',
    );
  return value;
}

export const DEFAULT_OUTPUT = 'sbom.cdx.json';

export function readInputs(): Inputs {
  // Read (and masked) first, so that no error about another input can come before the mask.
  const githubToken = inputs.getSecret('github-token');
  const format = inputs.getEnum('format', ['json', 'xml', 'spdx-json'] as const, 'json');
  let output = inputs.getString('output', DEFAULT_OUTPUT);
  // The default name follows the format.
  if (format === 'xml' && output === DEFAULT_OUTPUT) output = 'sbom.cdx.xml';
  if (format === 'spdx-json' && output === DEFAULT_OUTPUT) output = 'sbom.spdx.json';
  const name = inputs.getString('component-name');
  const version = inputs.getString('component-version');
  const outputPath = inputs.resolvePath('output', output);
  const correlator = checkCorrelator(inputs.getString('correlator'));
  const exclude = inputs.getList('exclude', { commas: false });
  // The part of each glob before its first wildcard is a path: it must stay in the workspace too.
  for (const pattern of exclude) inputs.resolvePath('exclude', pattern.replace(/[*?[{].*$/, '') || '.');
  return validate({
    path: inputs.getPath('path') || workspaceRoot(),
    exclude,
    specVersion: inputs.getEnum('spec-version', ['1.6', '1.5'] as const, '1.6'),
    output: outputPath,
    format,
    includeDev: inputs.getBoolean('include-dev', false),
    reproducible: inputs.getBoolean('reproducible', false),
    componentName: name === '' ? undefined : name,
    componentVersion: version === '' ? undefined : version,
    githubToken,
    dependencySubmission: inputs.getEnum('dependency-submission', ['auto', 'true', 'false'] as const, 'auto'),
    correlator: correlator || defaultCorrelator(process.env, workspaceRelative(outputPath, workspaceRoot())),
    licensePolicy: inputs.getString('license-policy'),
    pythonEnvironment: inputs.getPath('python-environment'),
  });
}
