import { InputError, inputs } from '@spikeformer-actions/core';
import { type AlertMatcher, parseAlertMatchers } from '../alerts/matchers.js';
import { readOutputFileInput } from './output-file.js';
import { checkHttpUrl } from './url-input.js';

/** The alerting inputs blue-green and canary share: Alertmanager in the decision, the rules file, the Pushgateway. */
export interface AlertInputs {
  alertmanagerUrl: string;
  /** Empty when no alert is part of the decision. */
  alertMatchers: AlertMatcher[];
  /** The rules file to write, resolved inside the workspace; '' for none. */
  alertRulesFile: string;
  pushgatewayUrl: string;
}

/** Reads and checks them with the other inputs, before anything is changed. */
export function readAlertInputs(): AlertInputs {
  const alertmanagerUrl = checkHttpUrl('alertmanager-url', inputs.getString('alertmanager-url'));
  const pushgatewayUrl = checkHttpUrl('pushgateway-url', inputs.getString('pushgateway-url'));
  const text = inputs.getString('alert-matchers');
  let alertMatchers: AlertMatcher[] = [];
  if (text !== '') {
    const parsed = parseAlertMatchers(text);
    if (!parsed.ok) throw new InputError('alert-matchers', parsed.problem);
    alertMatchers = parsed.value;
  }
  if (alertMatchers.length > 0 && !alertmanagerUrl)
    throw new InputError('alertmanager-url', 'alert-matchers needs the Alertmanager to ask');
  if (alertmanagerUrl && alertMatchers.length === 0)
    throw new InputError(
      'alert-matchers',
      'alertmanager-url needs alert-matchers: which firing alerts stop the rollout (e.g. severity="critical")',
    );
  const alertRulesFile = inputs.getString('alert-rules-file') === '' ? '' : readOutputFileInput('alert-rules-file', '');
  return { alertmanagerUrl, alertMatchers, alertRulesFile, pushgatewayUrl };
}
