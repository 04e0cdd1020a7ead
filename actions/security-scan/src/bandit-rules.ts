import type { Severity } from './model.js';

/**
 * ruff's flake8-bandit rules carry bandit's numbers (S101 is B101, S608 is B608). ruff's SARIF
 * says `level: error` for every result, so a ruff `S` finding takes the severity bandit gives
 * the same test. Severities from bandit's plugins and blacklists (PyCQA/bandit @ 9208054).
 * Tests whose severity depends on the code take bandit's higher one, except where ruff's own
 * message says which case it is (a literal command "seems safe"): that case is bandit's low.
 */
const BANDIT_SEVERITY: Readonly<Record<string, Severity>> = {
  B101: 'low',
  B102: 'medium',
  B103: 'high',
  B104: 'medium',
  B105: 'low',
  B106: 'low',
  B107: 'low',
  B108: 'medium',
  B110: 'low',
  B112: 'low',
  B113: 'medium',
  B201: 'high',
  B202: 'high',
  B301: 'medium',
  B302: 'medium',
  B303: 'medium',
  B304: 'high',
  B305: 'medium',
  B306: 'medium',
  B307: 'medium',
  B308: 'medium',
  B310: 'medium',
  B311: 'low',
  B312: 'high',
  B313: 'medium',
  B314: 'medium',
  B315: 'medium',
  B316: 'medium',
  B317: 'medium',
  B318: 'medium',
  B319: 'medium',
  B321: 'high',
  B323: 'medium',
  B324: 'high',
  B401: 'high',
  B402: 'high',
  B403: 'low',
  B404: 'low',
  B405: 'low',
  B406: 'low',
  B407: 'low',
  B408: 'low',
  B409: 'low',
  B411: 'high',
  B412: 'high',
  B413: 'high',
  B415: 'high',
  B501: 'high',
  B502: 'high',
  B503: 'medium',
  B504: 'low',
  B505: 'high',
  B506: 'medium',
  B507: 'high',
  B508: 'medium',
  B509: 'medium',
  B601: 'medium',
  B602: 'high',
  B603: 'low',
  B604: 'medium',
  B605: 'high',
  B606: 'low',
  B607: 'low',
  B608: 'medium',
  B609: 'high',
  B610: 'medium',
  B611: 'medium',
  B612: 'medium',
  B613: 'high',
  B614: 'medium',
  B615: 'medium',
  B701: 'high',
  B702: 'medium',
  B703: 'medium',
  B704: 'medium',
};

/** Tests bandit rates low for a literal command and high otherwise; ruff says which in its message. */
const LOW_WHEN_LITERAL = new Set(['B602', 'B605']);

const RUFF_BANDIT_RULE = /^S(\d{3})$/;

/** The bandit test id of a ruff flake8-bandit rule (S101 → B101), or undefined for any other rule. */
export function banditIdOfRuff(ruleId: string): string | undefined {
  const m = RUFF_BANDIT_RULE.exec(ruleId);
  return m ? `B${m[1] ?? ''}` : undefined;
}

/** bandit's severity for a ruff `S` finding, or undefined when bandit has no such test. */
export function banditSeverityOfRuff(ruleId: string, message: string): Severity | undefined {
  const bandit = banditIdOfRuff(ruleId);
  if (bandit === undefined) return undefined;
  if (LOW_WHEN_LITERAL.has(bandit) && message.includes('seems safe')) return 'low';
  return BANDIT_SEVERITY[bandit];
}
