import { UserError } from '@spikeformer-actions/core';

/**
 * What a failed kubectl run means, read from its stderr (kubectl prints the API's Status reason
 * as `Error from server (Reason): …`; network failures have their own phrases).
 * `transient` failures are retried; `conflict` and every other 4xx never are.
 */
export type FailureKind =
  | 'transient' // 429, 5xx, connection reset/refused, EOF, client timeout
  | 'conflict' // 409 on a resourceVersion/uid precondition or an apply field conflict
  | 'already-exists' // 409 on create
  | 'not-found' // 404
  | 'invalid' // 422
  | 'bad-request' // 400 (strict decoding, bad selector, …)
  | 'unauthorized' // 401/403 or no credentials
  | 'timeout' // the whole command ran past its deadline
  | 'other';

export interface Classified {
  kind: FailureKind;
  /** The HTTP status when the message names one unambiguously. */
  status?: number;
  /** The Status reason, e.g. `ServiceUnavailable`. */
  reason?: string;
}

const REASON_STATUS: Record<string, [FailureKind, number | undefined]> = {
  InternalError: ['transient', 500],
  ServiceUnavailable: ['transient', 503],
  TooManyRequests: ['transient', 429],
  Timeout: ['transient', 504],
  ServerTimeout: ['transient', 500],
  Conflict: ['conflict', 409],
  AlreadyExists: ['already-exists', 409],
  NotFound: ['not-found', 404],
  Invalid: ['invalid', 422],
  BadRequest: ['bad-request', 400],
  Forbidden: ['unauthorized', 403],
  Unauthorized: ['unauthorized', 401],
  MethodNotAllowed: ['other', 405],
  UnsupportedMediaType: ['other', 415],
  Gone: ['other', 410],
  Expired: ['other', 410],
  RequestEntityTooLarge: ['other', 413],
};

const NETWORK = [
  /connection reset by peer/i,
  /connection refused/i,
  /Unable to connect to the server/i,
  /\bunexpected EOF\b/i,
  /: EOF\b/,
  /i\/o timeout/i,
  /TLS handshake timeout/i,
  /Client\.Timeout exceeded/i,
  /http2: server sent GOAWAY/i,
  /http2: client connection lost/i,
  /context deadline exceeded/i,
  /the server is currently unable to handle the request/i,
  /an error on the server .* has prevented the request from succeeding/i,
  /the server was unable to return a response in the time allotted/i,
  /no route to host/i,
  /broken pipe/i,
];

export function classifyFailure(stderr: string, timedOut = false): Classified {
  if (timedOut) return { kind: 'timeout' };
  const fromServer = /Error from server \(([A-Za-z]+)\)/.exec(stderr);
  if (fromServer) {
    const reason = fromServer[1]!;
    const known = REASON_STATUS[reason];
    if (known) return { kind: known[0], status: known[1], reason };
    return { kind: 'other', reason };
  }
  if (/ is invalid: /.test(stderr)) return { kind: 'invalid', status: 422, reason: 'Invalid' };
  if (/Apply failed with \d+ conflicts?/.test(stderr)) return { kind: 'conflict', status: 409, reason: 'Conflict' };
  // kubectl's own precondition check (`scale --resource-version`) fails before any write
  if (/Expected resource version to be \S+, was \S+/.test(stderr)) return { kind: 'conflict', reason: 'Conflict' };
  if (/You must be logged in to the server|Unauthorized|forbidden:/i.test(stderr)) return { kind: 'unauthorized' };
  if (NETWORK.some((re) => re.test(stderr))) return { kind: 'transient' };
  return { kind: 'other' };
}

/** kubectl's noisy client-go log lines (E1127 …) say the same as its last line; keep the last lines. */
export function summariseStderr(stderr: string, maxLines = 6): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '' && !/^[EWI]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ \S+:\d+\]/.test(l));
  return (lines.length > 0 ? lines : stderr.split('\n').filter((l) => l.trim() !== '')).slice(-maxLines).join('\n');
}

/** A kubectl command that failed, after any retries. */
export class KubectlError extends UserError {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly attempts: number,
    readonly stderr: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'KubectlError';
  }
}

/** A write whose resourceVersion precondition failed: someone else changed the object meanwhile. */
export class ConflictError extends KubectlError {
  constructor(
    message: string,
    readonly resource: string,
    readonly expectedResourceVersion: string | undefined,
    attempts: number,
    stderr: string,
  ) {
    super(message, 'conflict', attempts, stderr, 409);
    this.name = 'ConflictError';
  }
}
