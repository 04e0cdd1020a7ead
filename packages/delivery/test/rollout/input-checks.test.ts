import { InputError } from '@spikeformer-actions/core';
import { parseWorkflowCommands } from '@spikeformer-actions/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  checkHttpUrl,
  checkNamespace,
  checkObjectName,
  checkOneLine,
  checkServiceName,
  httpUrlProblem,
  shownUrl,
} from '../../src/rollout/index.js';

afterEach(() => vi.restoreAllMocks());

function masks(fn: () => unknown): string[] {
  const writes: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    fn();
  } catch {
    // Only the masks matter here.
  }
  vi.restoreAllMocks();
  return parseWorkflowCommands(writes.join(''))
    .filter((c) => c.command === 'add-mask')
    .map((c) => c.message);
}

describe('URLs from inputs', () => {
  it.each([
    ['ftp://admin:pw123@host/x', 'ftp://***:***@host/x'],
    ['admin:pw123@host', '***@host'],
    ['https://tok3n@host/', 'https://***@host/'],
    ['http://host:9090/', 'http://host:9090/'],
  ])('%s is shown as %s', (text, shown) => {
    expect(shownUrl(text)).toBe(shown);
  });

  it('masks the password (or a token in the user part), as written and decoded, never a bare user name', () => {
    expect(masks(() => httpUrlProblem('http://admin:p%40ss@host/'))).toEqual(['admin:p%40ss', 'p%40ss', 'p@ss']);
    expect(masks(() => httpUrlProblem('https://ghp_token@host/'))).toEqual(['ghp_token', 'ghp_token']);
    expect(masks(() => httpUrlProblem('http://host/a@b'))).toEqual([]);
  });

  it('accepts http(s) only, naming the input', () => {
    expect(checkHttpUrl('prometheus-url', 'https://prom.example:9090')).toBe('https://prom.example:9090');
    expect(checkHttpUrl('prometheus-url', '')).toBe('');
    expect(() => checkHttpUrl('prometheus-url', 'file:///etc/passwd')).toThrow(
      new InputError('prometheus-url', 'expected an http(s) URL, got "file:///etc/passwd"'),
    );
    expect(() => checkHttpUrl('health-url', 'http://a b/')).toThrow(InputError);
  });
});

describe('Kubernetes names from inputs', () => {
  it('follows the API server: labels, Services (letter first), subdomains, with room for a suffix', () => {
    expect(() => checkNamespace('namespace', 'prod-1')).not.toThrow();
    expect(() => checkNamespace('namespace', '')).not.toThrow();
    expect(() => checkNamespace('namespace', 'Prod')).toThrow(
      `Input 'namespace': "Prod" is not a valid namespace (lower-case letters, digits and -, at most 63 characters)`,
    );
    expect(() => checkServiceName('service', '1api')).toThrow(/is not a valid Service name/);
    expect(() => checkServiceName('service', 'a'.repeat(57), '-canary')).toThrow(
      /at most 56 characters so -canary fits/,
    );
    expect(() => checkServiceName('service', 'a'.repeat(56), '-canary')).not.toThrow();
    expect(() => checkObjectName('ingress', 'web.v1')).not.toThrow();
    expect(() => checkObjectName('http-route', '-o=yaml')).toThrow(
      `Input 'http-route': "-o=yaml" is not a valid Kubernetes name (lower-case letters, digits, - and ., at most 253 characters)`,
    );
    expect(() => checkOneLine('context', 'arn:aws:eks:eu-west-1:1:cluster/x')).not.toThrow();
    expect(() => checkOneLine('context', 'a\u2028b')).toThrow(
      `Input 'context': contains a line break or control character`,
    );
  });
});
