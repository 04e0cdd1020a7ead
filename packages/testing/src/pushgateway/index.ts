/** A real Pushgateway for tests: `@spikeformer-actions/testing/pushgateway`. */
export { pushgatewayAvailable, type RunningPushgateway, startPushgateway } from './server.js';
