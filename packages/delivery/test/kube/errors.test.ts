import { describe, expect, test } from 'vitest';
import { classifyFailure, DEFAULT_RETRY, retryDelay, shouldRetry, summariseStderr } from '../../src/kube/index.js';

// stderr of kubectl 1.32 as it printed it against the API double (see test/kube/kubectl.test.ts)
const REAL = {
  e500: 'Error from server (InternalError): injected fault: HTTP 500\n',
  e503: 'Error from server (ServiceUnavailable): injected fault: HTTP 503\n',
  e429: 'Error from server (TooManyRequests): injected fault: HTTP 429\n',
  e504: 'Error from server (Timeout): injected fault: HTTP 504\n',
  notFound: 'Error from server (NotFound): configmaps "nope" not found\n',
  conflict:
    'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "cm": the object has been modified; please apply your changes to the latest version and try again\n',
  exists: 'Error from server (AlreadyExists): error when creating "STDIN": configmaps "cm" already exists\n',
  invalid: `The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'\n`,
  strict: 'Error from server (BadRequest): error when creating "STDIN": strict decoding error: unknown field "dtaa"\n',
  applyConflict:
    'error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas\nPlease review the fields above--they currently have other managers.\n',
  scalePrecondition: 'error: Expected resource version to be 1016, was 1023\n',
  timeout:
    'Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded while awaiting headers)\n',
  refused: [
    'E1127 21:13:27.638723   24087 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: Get \\"http://127.0.0.1:1/api?timeout=32s\\": dial tcp 127.0.0.1:1: connect: connection refused"',
    'E1127 21:13:27.643673   24087 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: Get \\"http://127.0.0.1:1/api?timeout=32s\\": dial tcp 127.0.0.1:1: connect: connection refused"',
    'The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?',
    '',
  ].join('\n'),
};

describe('classifyFailure', () => {
  test.each([
    ['e500', 'transient', 500],
    ['e503', 'transient', 503],
    ['e429', 'transient', 429],
    ['e504', 'transient', 504],
    ['notFound', 'not-found', 404],
    ['conflict', 'conflict', 409],
    ['exists', 'already-exists', 409],
    ['invalid', 'invalid', 422],
    ['strict', 'bad-request', 400],
    ['applyConflict', 'conflict', 409],
    ['scalePrecondition', 'conflict', undefined],
    ['timeout', 'transient', undefined],
    ['refused', 'transient', undefined],
  ] as const)('%s → %s', (sample, kind, status) => {
    const c = classifyFailure(REAL[sample]);
    expect(c.kind).toBe(kind);
    expect(c.status).toBe(status);
  });

  test('connection resets and EOFs are transient; unknown text is not', () => {
    expect(classifyFailure('error: read tcp 127.0.0.1:5->127.0.0.1:6: read: connection reset by peer').kind).toBe(
      'transient',
    );
    expect(classifyFailure('Get "http://x/api": unexpected EOF').kind).toBe('transient');
    expect(classifyFailure('Error from server (Forbidden): pods is forbidden: User "x" cannot list').kind).toBe(
      'unauthorized',
    );
    expect(classifyFailure('error: the server doesn\'t have a resource type "widgets"').kind).toBe('other');
    expect(classifyFailure('', true).kind).toBe('timeout');
  });

  test('summariseStderr drops client-go log lines and keeps the message', () => {
    expect(summariseStderr(REAL.refused)).toBe(
      'The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?',
    );
  });
});

describe('retry policy', () => {
  test('only transient failures are retried, and only within the attempt budget', () => {
    expect(shouldRetry('transient', 1, DEFAULT_RETRY)).toBe(true);
    expect(shouldRetry('transient', DEFAULT_RETRY.attempts, DEFAULT_RETRY)).toBe(false);
    for (const kind of [
      'conflict',
      'already-exists',
      'not-found',
      'invalid',
      'bad-request',
      'unauthorized',
      'timeout',
      'other',
    ] as const) {
      expect(shouldRetry(kind, 1, DEFAULT_RETRY)).toBe(false);
    }
  });

  test('backoff grows exponentially up to the cap, with full jitter', () => {
    const top = (attempt: number): number => retryDelay(attempt, DEFAULT_RETRY, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([499, 999, 1999, 3999, 7999, 7999]);
    expect(retryDelay(3, DEFAULT_RETRY, () => 0)).toBe(50); // never a zero wait
  });
});
