/**
 * The statistics the gates share (`@spikeformer-actions/core/stats`): benchmark-gate's judge and
 * the canary's Kayenta-like judge use the same distributions and the same Mann-Whitney U test,
 * tested once against scipy. A subpath of its own, so actions that judge nothing do not load it.
 */
export {
  gammaQ,
  incompleteBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  normalUpper,
  studentTQuantile,
  studentTUpper,
} from './distributions.js';
export { hodgesLehmann, kthDifference, type ShiftEstimate } from './hodges-lehmann.js';
export { holmAdjust } from './holm.js';
export { exactUCdf, mannWhitney, type MannWhitneyResult } from './mann-whitney.js';
export { predictionTest, welch, type SummaryStats, type WelchResult } from './welch.js';
