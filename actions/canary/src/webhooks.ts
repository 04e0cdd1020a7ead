import { httpRequest } from '@spikeformer-actions/core';
import { httpUrlProblem } from '@spikeformer-actions/delivery/rollout';

/**
 * Flagger-style gates: `pre-step` is asked before each weight change, `confirm-promotion`
 * before the stable takes the new images, `rollback` is told after a rollback. Each gets a JSON
 * POST; a 2xx answer is "go", anything else (or no answer) is "no".
 */
export const WEBHOOK_KINDS = ['pre-step', 'confirm-promotion', 'rollback'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];
export type Webhooks = Partial<Record<WebhookKind, string>>;

export function parseWebhooks(raw: unknown): { ok: true; value: Webhooks } | { ok: false; problem: string } {
  if (raw === undefined || raw === null) return { ok: true, value: {} };
  if (typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, problem: `expected a map of ${WEBHOOK_KINDS.join(', ')} to URLs` };
  const out: Webhooks = {};
  for (const [key, value] of Object.entries(raw)) {
    const kind = WEBHOOK_KINDS.find((k) => k === key);
    if (!kind) return { ok: false, problem: `unknown webhook ${key} (known: ${WEBHOOK_KINDS.join(', ')})` };
    if (typeof value !== 'string')
      return { ok: false, problem: `${key}: expected an http(s) URL, got a ${value === null ? 'null' : typeof value}` };
    const problem = httpUrlProblem(value);
    if (problem) return { ok: false, problem: `${key}: ${problem}` };
    out[kind] = value;
  }
  return { ok: true, value: out };
}

export interface WebhookPayload {
  name: string;
  namespace: string;
  phase: WebhookKind;
  step?: number;
  weight?: number;
  images: Record<string, string>;
  reason?: string;
}

/** Calls one gate; returns whether it said go, and why not. */
export async function callWebhook(url: string, payload: WebhookPayload): Promise<{ ok: boolean; detail: string }> {
  try {
    const response = await httpRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      connectTimeoutMs: 5_000,
      readTimeoutMs: 30_000,
      attempts: 2,
    });
    const ok = response.status >= 200 && response.status < 300;
    return { ok, detail: `${payload.phase} webhook answered ${response.status}` };
  } catch (error) {
    return {
      ok: false,
      detail: `${payload.phase} webhook failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
