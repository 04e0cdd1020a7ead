/** Alertmanager in the rollout decision, and the rollback triggers as Prometheus rules: `@spikeformer-actions/delivery/alerts`. */
export {
  type AlertMatcher,
  MAX_MATCHERS,
  matchersText,
  matcherText,
  matchesAll,
  parseAlertMatchers,
  type MatchOp,
  type ParsedMatchers,
} from './matchers.js';
export {
  AlertmanagerClient,
  AlertmanagerError,
  type AlertmanagerClientOptions,
  type FiringAlert,
  parseAlerts,
} from './alertmanager-client.js';
export { ALERTS_METRIC, alertText, type AlertSource, type AlertWatchOptions, watchAlerts } from './watch.js';
export {
  LATENCY_BASELINE_QUERY,
  type RollbackRule,
  rollbackRules,
  type RollbackRulesOptions,
  rollbackRulesYaml,
} from './rules.js';
