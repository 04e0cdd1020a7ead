import { UserError } from '@spikeformer-actions/core';
import { type Kubectl, type KubeObject, updateObject } from '../kube/index.js';
import {
  atWeight,
  checkedText,
  flagProblem,
  type FlagDocument,
  parseFlagDocument,
  restoredText,
  serving,
} from './document.js';
import { type FlagSnapshot, type FlagTarget, MAX_FLAG_DOCUMENT_BYTES } from './target.js';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

function shown(configMap: string, dataKey: string): string {
  return `configmap/${configMap} key ${dataKey}`;
}

function flagDocumentIn(text: string, target: FlagTarget, dataKey: string): FlagDocument {
  const where = shown(target.configMap, dataKey);
  if (Buffer.byteLength(text, 'utf8') > MAX_FLAG_DOCUMENT_BYTES)
    throw new UserError(
      `${where}: ${Buffer.byteLength(text, 'utf8')} bytes, more than the ${MAX_FLAG_DOCUMENT_BYTES} this action changes`,
    );
  const doc = parseFlagDocument(text, where);
  const problem = flagProblem(doc, target);
  if (problem) throw new UserError(`${where} ${problem}`);
  return doc;
}

/** The data key holding the flag: the one named, or the only one whose document has the flag. */
function dataKeyFor(map: ConfigMap, target: FlagTarget): string {
  const data = map.data ?? {};
  if (target.dataKey) {
    if (!Object.hasOwn(data, target.dataKey))
      throw new UserError(`configmap/${target.configMap} has no data key ${JSON.stringify(target.dataKey)}`);
    return target.dataKey;
  }
  const holding = Object.keys(data).filter((k) => (data[k] ?? '').includes(JSON.stringify(target.flagKey)));
  if (holding.length === 1 && holding[0] !== undefined) return holding[0];
  const found =
    holding.length === 0
      ? 'no data key mentions it'
      : `data keys ${holding.map((k) => JSON.stringify(k)).join(', ')} mention it`;
  throw new UserError(
    `configmap/${target.configMap}: cannot tell which data key holds flag ${JSON.stringify(target.flagKey)} (${found}); name it as flag-configmap: ${target.configMap}/<key>`,
  );
}

/**
 * Moves one flagd flag with the traffic. Every write is a preconditioned replace of the
 * ConfigMap that changes only this flag of the document as it is at that moment (another flag
 * changed meanwhile stays), and is checked against flagd's schema first.
 */
export class FlagMover {
  private constructor(
    private readonly kubectl: Kubectl,
    readonly snapshot: FlagSnapshot,
  ) {}

  /** Reads and checks the flag; the snapshot is what rollback restores. Changes nothing. */
  static async capture(kubectl: Kubectl, target: FlagTarget): Promise<FlagMover> {
    const map = await kubectl.get<ConfigMap>('configmap', target.configMap);
    if (!map)
      throw new UserError(
        `configmap/${target.configMap} (flag-configmap) not found${kubectl.namespace ? ` in namespace ${kubectl.namespace}` : ''}`,
      );
    const dataKey = dataKeyFor(map, target);
    const previous = map.data?.[dataKey] ?? '';
    flagDocumentIn(previous, target, dataKey);
    return new FlagMover(kubectl, { ...target, dataKey, previous });
  }

  /** A mover for a snapshot saved earlier (a resumed canary, the post step). */
  static resume(kubectl: Kubectl, snapshot: FlagSnapshot): FlagMover {
    return new FlagMover(kubectl, snapshot);
  }

  get where(): string {
    return shown(this.snapshot.configMap, this.snapshot.dataKey);
  }

  private async write(change: (currentText: string) => string): Promise<boolean> {
    const { configMap, dataKey } = this.snapshot;
    const result = await updateObject<ConfigMap>(
      this.kubectl,
      'configmap',
      configMap,
      (map) => {
        const text = change(map.data?.[dataKey] ?? '');
        map.data = { ...(map.data ?? {}), [dataKey]: text };
        return map;
      },
      { conflictRetries: 3 },
    );
    return result.changed;
  }

  private edit(transform: (doc: FlagDocument) => FlagDocument): Promise<boolean> {
    return this.write((text) =>
      checkedText(transform(flagDocumentIn(text, this.snapshot, this.snapshot.dataKey)), this.where),
    );
  }

  /** The new variant for `weight` % of the targeting keys, the stable one for the rest. */
  setWeight(weight: number): Promise<boolean> {
    return this.edit((doc) => atWeight(doc, this.snapshot, weight));
  }

  /** One variant for everyone (promotion: the new one; blue-green: the colour switched to). */
  serve(variant: string, keepTargeting: boolean): Promise<boolean> {
    return this.edit((doc) => serving(doc, this.snapshot.flagKey, variant, keepTargeting));
  }

  /** The configuration from before the first change, byte for byte unless another flag changed since. */
  async restore(): Promise<{ changed: boolean; exact: boolean }> {
    let exact = true;
    const changed = await this.write((text) => {
      const restored = restoredText(text, this.snapshot.previous, this.snapshot.flagKey, this.where);
      exact = restored.exact;
      return restored.text;
    });
    return { changed, exact };
  }
}
