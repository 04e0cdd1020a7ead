import { InputError } from '@spikeformer-actions/core';

/**
 * Kubernetes object names from inputs. They end up as kubectl arguments and in log lines, so
 * they are checked against the API server's own rules before anything runs: a value such as
 * `--kubeconfig=…` can never be read as a flag, and no line break or escape reaches the log.
 */

const show = (text: string): string => JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);

/** DNS-1123 label (namespaces, Deployments as base names): a-z, 0-9, '-', alphanumeric at both ends. */
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1035 label (Services): like a label, but starting with a letter. */
const SERVICE = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain (Ingress, HTTPRoute, TrafficSplit): labels joined by dots. */
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function room(max: number, suffix: string | undefined): string {
  return `at most ${max} characters${suffix ? ` so ${suffix} fits` : ''}`;
}

export function checkNamespace(input: string, value: string): void {
  if (value === '') return;
  if (!LABEL.test(value) || value.length > 63)
    throw new InputError(
      input,
      `${show(value)} is not a valid namespace (lower-case letters, digits and -, at most 63 characters)`,
    );
}

/** A Service name; `suffix` is what the action appends for an object it creates (`-canary`). */
export function checkServiceName(input: string, value: string, suffix?: string): void {
  if (value === '') return;
  const max = 63 - (suffix?.length ?? 0);
  if (!SERVICE.test(value) || value.length > max) {
    throw new InputError(
      input,
      `${show(value)} is not a valid Service name (lower-case letters, digits and -, starting with a letter, ${room(max, suffix)})`,
    );
  }
}

/** The name of an Ingress, HTTPRoute or TrafficSplit. */
export function checkObjectName(input: string, value: string, suffix?: string): void {
  if (value === '') return;
  const max = 253 - (suffix?.length ?? 0);
  if (!SUBDOMAIN.test(value) || value.length > max) {
    throw new InputError(
      input,
      `${show(value)} is not a valid Kubernetes name (lower-case letters, digits, - and ., ${room(max, suffix)})`,
    );
  }
}

/** Whether a Deployment base name is a DNS label short enough for `suffix`. */
export function isDeploymentBase(value: string, suffix: string): boolean {
  return LABEL.test(value) && value.length <= 63 - suffix.length;
}

/** Free text that becomes a kubectl argument or an output (a context name): one line, no controls. */
export function checkOneLine(input: string, value: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value))
    throw new InputError(input, 'contains a line break or control character');
}
