import { randomUUID } from 'node:crypto';
import { clone, deepEqual, isObject, PatchError, type Json, type JsonObject } from './json.js';
import {
  changedFields,
  describePath,
  fieldSetOf,
  fromFieldsV1,
  removeAt,
  toFieldsV1,
  valueAt,
  type FieldSet,
  type ManagedFieldsEntry,
} from './managed-fields.js';
import { jsonPatch } from './patch-json.js';
import { jsonMergePatch } from './patch-merge.js';
import { strategicMerge } from './patch-strategic.js';
import { groupVersion, RESOURCES, type ResourceType } from './resources.js';
import { labelSelectorString } from './selectors.js';
import { alreadyExists, ApiError, badRequest, conflict, invalid, notFound } from './status.js';
import { metaOf, type ObjectStore } from './store.js';
import { unknownFields, validate } from './validation.js';

export type PatchType = 'strategic' | 'merge' | 'json' | 'apply';

export interface WriteOptions {
  dryRun?: boolean;
  /** Owner recorded in managedFields; the HTTP layer derives it from `fieldManager` or the user agent. */
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** Server-side apply only: take over fields other managers own. */
  force?: boolean;
  subresource?: 'status' | 'scale';
}

export interface WriteResult {
  object: JsonObject;
  warnings: string[];
  created: boolean;
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { resourceVersion?: string; uid?: string };
  gracePeriodSeconds?: number;
}

export function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

const SPEC_EXCLUDED = new Set(['metadata', 'status', 'apiVersion', 'kind']);

function specPart(object: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([k]) => !SPEC_EXCLUDED.has(k)));
}

interface Managed {
  entries: ManagedFieldsEntry[];
}

function readManaged(object: JsonObject | undefined): Managed {
  const raw = object ? (metaOf(object) as unknown as JsonObject) : undefined;
  const list = raw?.['managedFields'];
  return { entries: Array.isArray(list) ? (clone(list) as unknown as ManagedFieldsEntry[]) : [] };
}

function setOf(entry: ManagedFieldsEntry): FieldSet {
  return fromFieldsV1(entry.fieldsV1);
}

function assign(
  managed: Managed,
  manager: string,
  operation: 'Apply' | 'Update',
  apiVersion: string,
  fields: FieldSet,
  subresource: string | undefined,
  replace: boolean,
): void {
  // whoever writes a field last owns it; Update managers lose what the write changed
  for (const entry of managed.entries) {
    if (entry.manager === manager && entry.operation === operation) continue;
    const s = setOf(entry);
    let touched = false;
    for (const f of fields) if (s.delete(f)) touched = true;
    if (touched) entry.fieldsV1 = toFieldsV1(s);
  }
  let entry = managed.entries.find(
    (e) => e.manager === manager && e.operation === operation && e.subresource === subresource,
  );
  if (!entry) {
    entry = { manager, operation, apiVersion, time: now(), fieldsType: 'FieldsV1', fieldsV1: {} };
    if (subresource) entry.subresource = subresource;
    managed.entries.push(entry);
  }
  const merged = replace ? new Set(fields) : new Set([...setOf(entry), ...fields]);
  entry.fieldsV1 = toFieldsV1(merged);
  entry.time = now();
  managed.entries = managed.entries.filter((e) => Object.keys(e.fieldsV1).length > 0);
}

/**
 * The API semantics of the double, without HTTP: create/update/patch/apply/delete with
 * resourceVersion preconditions, generation, managedFields, status and scale subresources, dryRun.
 */
export class KubeApi {
  constructor(readonly store: ObjectStore) {}

  private namespaceExists(namespace: string): boolean {
    const nsType = RESOURCES.find((r) => r.kind === 'Namespace')!;
    return this.store.get(nsType, undefined, namespace) !== undefined;
  }

  private checkBody(
    type: ResourceType,
    namespace: string | undefined,
    body: JsonObject,
    options: WriteOptions,
    warnings: string[],
  ): JsonObject {
    const object = clone(body);
    if (object['kind'] !== undefined && object['kind'] !== type.kind && !options.subresource) {
      throw badRequest(
        `the kind of the provided object (${String(object['kind'])}) does not match the resource ${type.resource}`,
      );
    }
    object['apiVersion'] = groupVersion(type);
    object['kind'] = type.kind;
    if (!isObject(object['metadata'])) object['metadata'] = {};
    const meta = object['metadata'];
    if (type.namespaced) {
      if (meta['namespace'] !== undefined && meta['namespace'] !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta['namespace'] = namespace ?? 'default';
    } else delete meta['namespace'];
    const unknown = unknownFields(type, object);
    if (unknown.length > 0) {
      const validation = options.fieldValidation ?? 'Warn';
      if (validation === 'Strict')
        throw badRequest(`strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
      if (validation === 'Warn') warnings.push(...unknown.map((f) => `unknown field "${f}"`));
      for (const f of unknown) delete object[f];
    }
    return object;
  }

  /** Commits a new version: preconditions, identity, generation, ownership, validation, no-op detection. */
  private commit(
    type: ResourceType,
    old: JsonObject | undefined,
    next: JsonObject,
    options: WriteOptions,
    ownership: { manager: string; operation: 'Apply' | 'Update'; fields?: FieldSet },
  ): JsonObject {
    this.applyDefaults(type, old, next);
    const meta = metaOf(next);
    if (old) {
      const oldMeta = metaOf(old);
      // The caller's object may carry either precondition, or neither.
      const precondition: Partial<Pick<typeof meta, 'resourceVersion' | 'uid'>> = meta;
      if (
        precondition.resourceVersion !== undefined &&
        precondition.resourceVersion !== '' &&
        precondition.resourceVersion !== oldMeta.resourceVersion
      )
        throw conflict(type, oldMeta.name);
      if (precondition.uid !== undefined && precondition.uid !== oldMeta.uid) {
        throw conflict(
          type,
          oldMeta.name,
          `Precondition failed: UID in precondition: ${precondition.uid}, UID in object meta: ${oldMeta.uid}`,
        );
      }
      meta.uid = oldMeta.uid;
      meta.creationTimestamp = oldMeta.creationTimestamp;
      meta.resourceVersion = oldMeta.resourceVersion;
      if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
      if (options.subresource === 'status') {
        // a status write changes status only
        next = { ...clone(old), status: next['status'] ?? {} };
      } else if (type.status) {
        if (old['status'] !== undefined) next['status'] = clone(old['status']);
        else delete next['status'];
      }
      const gen = oldMeta.generation ?? 1;
      metaOf(next).generation = deepEqual(specPart(old), specPart(next)) ? gen : gen + 1;
    } else {
      meta.uid = randomUUID();
      meta.creationTimestamp = now();
      meta.generation = 1;
      if (type.status && type.kind !== 'Namespace') delete next['status'];
      if (type.kind === 'Namespace') next['status'] = { phase: 'Active' };
    }
    const causes = validate(type, next);
    if (causes.length > 0) throw invalid(type, meta.name, causes);
    if (old) {
      const a = clone(old);
      const b = clone(next);
      delete (a['metadata'] as JsonObject)['managedFields'];
      delete (b['metadata'] as JsonObject)['managedFields'];
      if (deepEqual(a, b) && ownership.operation === 'Update') return old; // a no-op keeps its resourceVersion
    }
    const managed = readManaged(old);
    const fields = ownership.fields ?? changedFields(old, next);
    if (fields.size > 0 || ownership.operation === 'Apply') {
      assign(
        managed,
        ownership.manager,
        ownership.operation,
        groupVersion(type),
        fields,
        options.subresource,
        ownership.operation === 'Apply',
      );
    }
    (next['metadata'] as JsonObject)['managedFields'] = managed.entries as unknown as Json;
    if (options.dryRun) return next;
    return this.store.put(type, next);
  }

  private clusterIps = 10;

  /** The defaulting the real server does for the fields the actions read back. */
  private applyDefaults(type: ResourceType, old: JsonObject | undefined, next: JsonObject): void {
    const spec = isObject(next['spec']) ? next['spec'] : undefined;
    if (!spec) return;
    if (type.kind === 'Service') {
      spec['type'] ??= 'ClusterIP';
      spec['sessionAffinity'] ??= 'None';
      const oldSpec = old && isObject(old['spec']) ? old['spec'] : {};
      if (spec['type'] !== 'ExternalName') {
        spec['clusterIP'] ??=
          oldSpec['clusterIP'] ?? `10.96.${Math.floor(this.clusterIps / 250)}.${(this.clusterIps++ % 250) + 1}`;
        spec['clusterIPs'] ??= [spec['clusterIP']];
      }
      if (Array.isArray(spec['ports'])) {
        for (const port of spec['ports']) {
          if (!isObject(port)) continue;
          port['protocol'] ??= 'TCP';
          port['targetPort'] ??= port['port'] ?? null;
        }
      }
    } else if (type.kind === 'Deployment') {
      spec['replicas'] ??= 1;
      spec['revisionHistoryLimit'] ??= 10;
      spec['progressDeadlineSeconds'] ??= 600;
      if (!isObject(spec['strategy'])) spec['strategy'] = { type: 'RollingUpdate' };
      const strategy = spec['strategy'];
      strategy['type'] ??= 'RollingUpdate';
      if (strategy['type'] === 'RollingUpdate')
        strategy['rollingUpdate'] ??= { maxSurge: '25%', maxUnavailable: '25%' };
    } else if (type.kind === 'ReplicaSet') {
      spec['replicas'] ??= 1;
    }
  }

  create(type: ResourceType, namespace: string | undefined, body: JsonObject, options: WriteOptions = {}): WriteResult {
    const warnings: string[] = [];
    const object = this.checkBody(type, namespace, body, options, warnings);
    const meta = object['metadata'] as JsonObject;
    if ((meta['name'] === undefined || meta['name'] === '') && typeof meta['generateName'] === 'string') {
      meta['name'] = `${meta['generateName']}${randomUUID().replaceAll('-', '').slice(0, 5)}`;
    }
    if (meta['resourceVersion'] !== undefined && meta['resourceVersion'] !== '') {
      throw badRequest('resourceVersion should not be set on objects to be created');
    }
    delete meta['resourceVersion'];
    if (type.namespaced && !this.namespaceExists(String(meta['namespace']))) {
      const nsType = RESOURCES.find((r) => r.kind === 'Namespace')!;
      throw notFound(nsType, String(meta['namespace']));
    }
    const name = typeof meta['name'] === 'string' ? meta['name'] : '';
    if (name !== '' && this.store.get(type, namespace, name)) throw alreadyExists(type, name);
    const created = this.commit(type, undefined, object, options, {
      manager: options.fieldManager ?? 'unknown',
      operation: 'Update',
    });
    return { object: created, warnings, created: true };
  }

  get(type: ResourceType, namespace: string | undefined, name: string): JsonObject {
    const object = this.store.get(type, namespace, name);
    if (!object) throw notFound(type, name);
    return object;
  }

  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: JsonObject,
    options: WriteOptions = {},
  ): WriteResult {
    const warnings: string[] = [];
    const object = this.checkBody(type, namespace, body, options, warnings);
    if (metaOf(object).name !== name)
      throw badRequest(`the name of the object (${metaOf(object).name}) does not match the name on the URL (${name})`);
    const old = this.get(type, namespace, name);
    const next = this.commit(type, old, object, options, {
      manager: options.fieldManager ?? 'unknown',
      operation: 'Update',
    });
    return { object: next, warnings, created: false };
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patch: Json,
    options: WriteOptions = {},
  ): WriteResult {
    if (patchType === 'apply') return this.apply(type, namespace, name, patch, options);
    if (patchType === 'strategic' && type.custom) {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      );
    }
    const old = this.get(type, namespace, name);
    let patched: Json;
    try {
      patched =
        patchType === 'json'
          ? jsonPatch(old, patch)
          : patchType === 'merge'
            ? jsonMergePatch(old, patch)
            : strategicMerge(old, patch);
    } catch (error) {
      if (error instanceof PatchError)
        throw new ApiError(error.code, error.code === 400 ? 'BadRequest' : 'Invalid', error.message);
      throw error;
    }
    if (!isObject(patched)) throw new ApiError(422, 'Invalid', 'the patched object is not a JSON object');
    const warnings: string[] = [];
    const object = this.checkBody(type, namespace, patched, options, warnings);
    // a resourceVersion the patch itself carries is a precondition; otherwise the patch is unconditional
    const patchMeta = isObject(patch) && isObject(patch['metadata']) ? patch['metadata'] : undefined;
    const preconditionRv = patchType === 'json' ? metaOf(patched).resourceVersion : patchMeta?.['resourceVersion'];
    metaOf(object).resourceVersion = typeof preconditionRv === 'string' ? preconditionRv : metaOf(old).resourceVersion;
    const next = this.commit(type, old, object, options, {
      manager: options.fieldManager ?? 'unknown',
      operation: 'Update',
    });
    return { object: next, warnings, created: false };
  }

  apply(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    config: Json,
    options: WriteOptions,
  ): WriteResult {
    if (!isObject(config)) throw badRequest('an apply configuration must be an object');
    const manager = options.fieldManager;
    if (!manager) throw badRequest('PATCH, application/apply-patch+yaml requests require a fieldManager');
    const warnings: string[] = [];
    const applied = this.checkBody(type, namespace, config, options, warnings);
    if (metaOf(applied).name !== name)
      throw badRequest(`the name of the object (${metaOf(applied).name}) does not match the name on the URL (${name})`);
    const current = this.store.get(type, namespace, name);
    const managed = readManaged(current);
    const mine = fieldSetOf(applied);
    if (current && !options.force) {
      const conflicts: string[] = [];
      for (const entry of managed.entries) {
        if (entry.manager === manager) continue;
        const theirs = setOf(entry);
        for (const f of mine) {
          const path = JSON.parse(f) as string[];
          if (theirs.has(f) && !deepEqual(valueAt(current, path), valueAt(applied, path))) {
            conflicts.push(
              `conflict with "${entry.manager}"${entry.operation === 'Update' ? ` using ${entry.apiVersion}` : ''}: ${describePath(path)}`,
            );
          }
        }
      }
      if (conflicts.length > 0) {
        throw new ApiError(
          409,
          'Conflict',
          `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${conflicts.join('\n')}`,
          {
            name,
            group: type.group,
            kind: type.resource,
          },
        );
      }
    }
    if (!current) {
      if (type.namespaced && !this.namespaceExists(namespace ?? 'default')) {
        throw notFound(
          RESOURCES.find((r) => r.kind === 'Namespace')!,
          namespace ?? 'default',
        );
      }
    }
    const base: JsonObject = current ?? {
      apiVersion: groupVersion(type),
      kind: type.kind,
      metadata: { name, ...(type.namespaced ? { namespace: namespace ?? 'default' } : {}) },
    };
    const merged = strategicMerge(base, applied) as JsonObject;
    const previous = managed.entries.find((e) => e.manager === manager && e.operation === 'Apply');
    if (previous) {
      const others = managed.entries.filter((e) => e !== previous).map(setOf);
      for (const f of setOf(previous)) {
        if (!mine.has(f) && !others.some((s) => s.has(f))) removeAt(merged, JSON.parse(f) as string[]);
      }
    }
    metaOf(merged).resourceVersion = current ? metaOf(current).resourceVersion : '';
    if (typeof metaOf(applied).resourceVersion === 'string' && metaOf(applied).resourceVersion !== '')
      metaOf(merged).resourceVersion = metaOf(applied).resourceVersion;
    if (!current) delete (merged['metadata'] as JsonObject)['resourceVersion'];
    const next = this.commit(type, current, merged, options, { manager, operation: 'Apply', fields: mine });
    return { object: next, warnings, created: !current };
  }

  /** Removes an object (pods are deleted gracefully when the controller asks for it). */
  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
    graceful = false,
  ): JsonObject {
    const old = this.get(type, namespace, name);
    const meta = metaOf(old);
    if (options.preconditions?.resourceVersion && options.preconditions.resourceVersion !== meta.resourceVersion) {
      throw conflict(
        type,
        name,
        `Precondition failed: ResourceVersion in precondition: ${options.preconditions.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`,
      );
    }
    if (options.preconditions?.uid && options.preconditions.uid !== meta.uid) {
      throw conflict(
        type,
        name,
        `Precondition failed: UID in precondition: ${options.preconditions.uid}, UID in object meta: ${meta.uid}`,
      );
    }
    if (options.dryRun) return old;
    if (options.propagationPolicy === 'Orphan') this.orphanDependents(meta.uid);
    if (type.kind === 'Namespace') {
      // the namespace controller's job, done at once: everything in it goes with it
      for (const t of RESOURCES)
        if (t.namespaced) for (const o of this.store.list(t, name)) this.store.remove(t, name, metaOf(o).name);
    }
    if (graceful && (options.gracePeriodSeconds ?? 1) > 0) {
      if (!meta.deletionTimestamp) {
        meta.deletionTimestamp = now();
        (old['metadata'] as JsonObject)['deletionGracePeriodSeconds'] = options.gracePeriodSeconds ?? 30;
        return this.store.put(type, old);
      }
      return old;
    }
    return this.store.remove(type, namespace, name) ?? old;
  }

  private orphanDependents(uid: string): void {
    for (const type of RESOURCES) {
      for (const object of this.store.list(type)) {
        const refs = metaOf(object).ownerReferences;
        if (refs?.some((r) => r.uid === uid)) {
          metaOf(object).ownerReferences = refs.filter((r) => r.uid !== uid);
          this.store.put(type, object);
        }
      }
    }
  }

  scaleOf(type: ResourceType, object: JsonObject): JsonObject {
    const meta = metaOf(object);
    const spec = isObject(object['spec']) ? object['spec'] : {};
    const status = isObject(object['status']) ? object['status'] : {};
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: meta.name,
        namespace: meta.namespace ?? '',
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
        creationTimestamp: meta.creationTimestamp,
      },
      spec: { replicas: typeof spec['replicas'] === 'number' ? spec['replicas'] : 1 },
      status: {
        replicas: typeof status['replicas'] === 'number' ? status['replicas'] : 0,
        selector: labelSelectorString(isObject(spec['selector']) ? spec['selector'] : undefined),
      },
    };
  }

  /** Writes a Scale (PUT or patched): its resourceVersion, when set, is a precondition on the owner. */
  writeScale(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    scale: Json,
    options: WriteOptions = {},
  ): JsonObject {
    const old = this.get(type, namespace, name);
    if (!isObject(scale) || !isObject(scale['spec']) || typeof scale['spec']['replicas'] !== 'number') {
      throw invalid(type, name, [{ field: 'spec.replicas', message: 'Required value' }]);
    }
    const next = clone(old);
    (next['spec'] as JsonObject)['replicas'] = scale['spec']['replicas'];
    const rv = isObject(scale['metadata']) ? scale['metadata']['resourceVersion'] : undefined;
    metaOf(next).resourceVersion = typeof rv === 'string' && rv !== '' ? rv : metaOf(old).resourceVersion;
    const written = this.commit(
      type,
      old,
      next,
      { ...options, subresource: 'scale' },
      { manager: options.fieldManager ?? 'unknown', operation: 'Update' },
    );
    return this.scaleOf(type, written);
  }

  /** Writes status only, as the controller does through `/status`. */
  writeStatus(type: ResourceType, object: JsonObject, status: Json, manager = 'kube-controller-manager'): JsonObject {
    const meta = metaOf(object);
    const old = this.get(type, meta.namespace, meta.name);
    if (deepEqual(old['status'], status)) return old;
    return this.commit(
      type,
      old,
      { ...old, status },
      { subresource: 'status' },
      { manager, operation: 'Update', fields: new Set() },
    );
  }
}
