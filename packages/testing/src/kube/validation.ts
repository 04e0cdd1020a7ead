import { isObject, type JsonObject } from './json.js';
import type { ResourceType } from './resources.js';
import { labelSelectorString, matchesLabels, parseLabelSelector } from './selectors.js';

export interface Cause {
  field: string;
  message: string;
}

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Fields a strict decode would reject: only the top level is checked (no full schemas here). */
export function unknownFields(type: ResourceType, object: JsonObject): string[] {
  const allowed = new Set(['apiVersion', 'kind', 'metadata', ...type.fields]);
  return Object.keys(object).filter((k) => !allowed.has(k));
}

function labelCauses(labels: unknown, field: string): Cause[] {
  if (labels === undefined) return [];
  if (!isObject(labels)) return [{ field, message: 'must be a map of strings' }];
  const causes: Cause[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (!LABEL_NAME.test(k))
      causes.push({
        field,
        message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.'`,
      });
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      causes.push({
        field,
        message: `Invalid value: "${String(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      });
    }
  }
  return causes;
}

function podSpecCauses(spec: unknown, field: string): Cause[] {
  if (!isObject(spec)) return [{ field, message: 'Required value' }];
  const containers = spec['containers'];
  if (!Array.isArray(containers) || containers.length === 0)
    return [{ field: `${field}.containers`, message: 'Required value' }];
  const causes: Cause[] = [];
  containers.forEach((c, i) => {
    if (!isObject(c) || typeof c['name'] !== 'string' || !DNS_LABEL.test(c['name']))
      causes.push({ field: `${field}.containers[${i}].name`, message: 'Required value' });
    if (!isObject(c) || typeof c['image'] !== 'string' || c['image'].trim() === '')
      causes.push({ field: `${field}.containers[${i}].image`, message: 'Required value' });
  });
  return causes;
}

/** The validation the real server does on the fields the actions and tests touch. */
export function validate(type: ResourceType, object: JsonObject): Cause[] {
  const meta = isObject(object['metadata']) ? object['metadata'] : {};
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  const causes: Cause[] = [];
  if (name === '') causes.push({ field: 'metadata.name', message: 'Required value: name or generateName is required' });
  else if (name.length > 253 || !SUBDOMAIN.test(name)) {
    causes.push({
      field: 'metadata.name',
      message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
    });
  } else if (type.kind === 'Service' && (name.length > 63 || !DNS_LABEL.test(name))) {
    causes.push({
      field: 'metadata.name',
      message: `Invalid value: "${name}": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character`,
    });
  }
  causes.push(...labelCauses(meta['labels'], 'metadata.labels'));
  const spec = object['spec'];
  if (type.kind === 'Deployment' || type.kind === 'ReplicaSet') {
    if (!isObject(spec)) return [...causes, { field: 'spec', message: 'Required value' }];
    const replicas = spec['replicas'];
    if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)) {
      causes.push({
        field: 'spec.replicas',
        message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      });
    }
    const selector = spec['selector'];
    const template = isObject(spec['template']) ? spec['template'] : {};
    const templateLabels = isObject(template['metadata']) ? template['metadata']['labels'] : undefined;
    const selectorText = isObject(selector) ? labelSelectorString(selector) : '';
    if (selectorText === '') causes.push({ field: 'spec.selector', message: 'Required value' });
    else if (
      !matchesLabels(
        parseLabelSelector(selectorText),
        isObject(templateLabels) ? (templateLabels as Record<string, string>) : {},
      )
    ) {
      causes.push({
        field: 'spec.template.metadata.labels',
        message: `Invalid value: ${JSON.stringify(templateLabels ?? {})}: \`selector\` does not match template \`labels\``,
      });
    }
    causes.push(...labelCauses(templateLabels, 'spec.template.metadata.labels'));
    causes.push(...podSpecCauses(template['spec'], 'spec.template.spec'));
  } else if (type.kind === 'Pod') {
    causes.push(...podSpecCauses(spec, 'spec'));
  } else if (type.kind === 'Service' && isObject(spec) && Array.isArray(spec['ports'])) {
    spec['ports'].forEach((p, i) => {
      const port = isObject(p) ? p['port'] : undefined;
      if (typeof port !== 'number' || port < 1 || port > 65535)
        causes.push({
          field: `spec.ports[${i}].port`,
          message: `Invalid value: ${JSON.stringify(port ?? null)}: must be between 1 and 65535, inclusive`,
        });
    });
  } else if (type.kind === 'TrafficSplit' && isObject(spec) && Array.isArray(spec['backends'])) {
    spec['backends'].forEach((b, i) => {
      const weight = isObject(b) ? b['weight'] : undefined;
      if (typeof weight !== 'number' || weight < 0)
        causes.push({ field: `spec.backends[${i}].weight`, message: 'Invalid value: must be a non-negative integer' });
    });
  }
  return causes;
}
