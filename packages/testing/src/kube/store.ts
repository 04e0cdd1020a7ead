import { clone, isObject, type JsonObject } from './json.js';
import type { ResourceType } from './resources.js';

/** What a watch sees: one change of one object, with the resourceVersion it got. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resourceVersion: number;
  resource: ResourceType;
  object: JsonObject;
  /** The version before a MODIFIED (a watch with a selector turns leaving it into DELETED). */
  previous?: JsonObject;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }[];
  deletionTimestamp?: string;
  creationTimestamp: string;
}

export function metaOf(object: JsonObject): ObjectMeta {
  const meta = object['metadata'];
  if (!isObject(meta)) throw new Error('object without metadata');
  return meta as unknown as ObjectMeta;
}

function typeKey(type: ResourceType): string {
  return `${type.group}/${type.resource}`;
}

/**
 * The double's etcd: objects by type, namespace and name, one global resourceVersion counter,
 * and a bounded history so a watch can resume from the resourceVersion of a list.
 */
export class ObjectStore {
  private counter = 1000;
  private readonly objects = new Map<string, Map<string, JsonObject>>();
  private readonly history: WatchEvent[] = [];
  private readonly listeners = new Set<(event: WatchEvent) => void>();

  constructor(private readonly historyLimit = 10_000) {}

  get resourceVersion(): number {
    return this.counter;
  }

  /** The oldest resourceVersion a watch can still resume from. */
  get oldestResumable(): number {
    return this.history[0] ? this.history[0].resourceVersion - 1 : this.counter;
  }

  private bucket(type: ResourceType): Map<string, JsonObject> {
    const key = typeKey(type);
    let b = this.objects.get(key);
    if (!b) this.objects.set(key, (b = new Map<string, JsonObject>()));
    return b;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): JsonObject | undefined {
    const found = this.bucket(type).get(`${namespace ?? ''}/${name}`);
    return found ? clone(found) : undefined;
  }

  list(type: ResourceType, namespace?: string): JsonObject[] {
    const out: JsonObject[] = [];
    for (const [key, object] of this.bucket(type)) {
      if (namespace === undefined || key.startsWith(`${namespace}/`)) out.push(clone(object));
    }
    return out.sort((a, b) => {
      const ma = metaOf(a);
      const mb = metaOf(b);
      return `${ma.namespace ?? ''}/${ma.name}`.localeCompare(`${mb.namespace ?? ''}/${mb.name}`);
    });
  }

  /**
   * The stored objects themselves, uncloned, for read-only scans (the controller's passes).
   * Callers must not mutate them; every write goes through put().
   */
  peek(type: ResourceType, namespace?: string): readonly JsonObject[] {
    const out: JsonObject[] = [];
    for (const [key, object] of this.bucket(type))
      if (namespace === undefined || key.startsWith(`${namespace}/`)) out.push(object);
    return out;
  }

  /** One stored object, uncloned (read-only, like peek()). */
  peekOne(type: ResourceType, namespace: string | undefined, name: string): JsonObject | undefined {
    return this.bucket(type).get(`${namespace ?? ''}/${name}`);
  }

  /** Stores a new version; the caller has already set everything but the resourceVersion. */
  put(type: ResourceType, object: JsonObject): JsonObject {
    const meta = metaOf(object);
    const key = `${meta.namespace ?? ''}/${meta.name}`;
    const bucket = this.bucket(type);
    const previous = bucket.get(key);
    this.counter++;
    meta.resourceVersion = String(this.counter);
    bucket.set(key, clone(object));
    this.emit({
      type: previous ? 'MODIFIED' : 'ADDED',
      resourceVersion: this.counter,
      resource: type,
      object: clone(object),
      ...(previous ? { previous } : {}),
    });
    return clone(object);
  }

  remove(type: ResourceType, namespace: string | undefined, name: string): JsonObject | undefined {
    const key = `${namespace ?? ''}/${name}`;
    const bucket = this.bucket(type);
    const object = bucket.get(key);
    if (!object) return undefined;
    bucket.delete(key);
    this.counter++;
    metaOf(object).resourceVersion = String(this.counter);
    this.emit({ type: 'DELETED', resourceVersion: this.counter, resource: type, object: clone(object) });
    return clone(object);
  }

  /** Events after `resourceVersion`, or undefined when the history no longer reaches back that far. */
  eventsSince(resourceVersion: number): WatchEvent[] | undefined {
    if (resourceVersion < this.oldestResumable) return undefined;
    return this.history.filter((e) => e.resourceVersion > resourceVersion);
  }

  /** Every retained event, oldest first (tests replay it to check what happened in which order). */
  events(): readonly WatchEvent[] {
    return [...this.history];
  }

  subscribe(listener: (event: WatchEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: WatchEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
    for (const listener of this.listeners) listener(event);
  }
}
