/** Traffic simulation for end-to-end tests: `@spikeformer-actions/testing/traffic`. */
export { LATENCY_BUCKETS, startTrackServer, type TrackBehaviour, type TrackServer } from './track-server.js';
export {
  fixedWeights,
  startLoad,
  type LoadGenerator,
  type LoadOptions,
  type LoadStats,
  type TrackStats,
  type TrafficWeights,
  type WeightsProvider,
} from './load.js';
