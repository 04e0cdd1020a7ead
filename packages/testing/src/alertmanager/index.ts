/** A real Alertmanager for tests: `@spikeformer-actions/testing/alertmanager`. */
export { alertmanagerAvailable, type RunningAlertmanager, startAlertmanager, type TestAlert } from './server.js';
export { type RunningDaemon } from './daemon.js';
