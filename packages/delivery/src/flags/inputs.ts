import { InputError, inputs } from '@spikeformer-actions/core';
import { checkObjectName, checkOneLine } from '../rollout/names.js';
import type { FlagTarget } from './target.js';

const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
const MAX_TEXT = 256;

function checkText(input: string, value: string, what: string): void {
  checkOneLine(input, value);
  if (value.length > MAX_TEXT) throw new InputError(input, `${what} is longer than ${MAX_TEXT} characters`);
}

/**
 * The flag inputs both actions share: `flag-configmap` (name or name/data-key), `flag-key` and
 * `flag-variants` (new/stable). Undefined when no flag is to move; every part checked here,
 * before the cluster is touched.
 */
export function readFlagInputs(): FlagTarget | undefined {
  const configMapInput = inputs.getString('flag-configmap');
  const flagKey = inputs.getString('flag-key');
  const variants = inputs.getString('flag-variants') || 'on/off';
  if (!configMapInput) {
    if (flagKey) throw new InputError('flag-configmap', 'flag-key is set: name the ConfigMap flagd watches');
    return undefined;
  }
  if (!flagKey) throw new InputError('flag-key', 'flag-configmap is set: name the flag to move');
  checkText('flag-configmap', configMapInput, 'the value');
  const slash = configMapInput.indexOf('/');
  const configMap = slash < 0 ? configMapInput : configMapInput.slice(0, slash);
  const dataKey = slash < 0 ? '' : configMapInput.slice(slash + 1);
  if (!configMap)
    throw new InputError(
      'flag-configmap',
      `expected a ConfigMap name, or name/data-key (got ${JSON.stringify(configMapInput)})`,
    );
  checkObjectName('flag-configmap', configMap);
  if (slash >= 0 && (!DATA_KEY.test(dataKey) || dataKey.length > 253 || dataKey === '.' || dataKey === '..')) {
    throw new InputError(
      'flag-configmap',
      `${JSON.stringify(dataKey)} is not a valid ConfigMap data key (letters, digits, -, _ and ., at most 253)`,
    );
  }
  checkText('flag-key', flagKey, 'the flag key');
  checkText('flag-variants', variants, 'the value');
  const parts = variants.split('/').map((p) => p.trim());
  const [newVariant, stableVariant] = parts;
  if (parts.length !== 2 || !newVariant || !stableVariant)
    throw new InputError(
      'flag-variants',
      `expected <new variant>/<stable variant>, e.g. on/off (got ${JSON.stringify(variants)})`,
    );
  if (newVariant === stableVariant)
    throw new InputError('flag-variants', `the new and the stable variant are both ${JSON.stringify(newVariant)}`);
  return { configMap, dataKey, flagKey, newVariant, stableVariant };
}
