import type { Kubectl } from '@spikeformer-actions/delivery/kube';
import { FlagMover, type FlagSnapshot } from '@spikeformer-actions/delivery/flags';
import { safeInline } from '@spikeformer-actions/core';

type Log = (step: string, detail: string, ok?: boolean) => void;

function name(s: FlagSnapshot): string {
  return `flag ${safeInline(JSON.stringify(s.flagKey))} in configmap/${s.configMap} key ${s.dataKey}`;
}

/** The flagd flag that follows a canary's weights; a no-op when the plan has none. */
export class CanaryFlag {
  private constructor(
    private readonly mover: FlagMover | undefined,
    private readonly log: Log,
  ) {}

  static of(kubectl: Kubectl, snapshot: FlagSnapshot | undefined, log: Log): CanaryFlag {
    return new CanaryFlag(snapshot ? FlagMover.resume(kubectl, snapshot) : undefined, log);
  }

  get snapshot(): FlagSnapshot | undefined {
    return this.mover?.snapshot;
  }

  async setWeight(weight: number): Promise<void> {
    if (!this.mover) return;
    await this.mover.setWeight(weight);
    const s = this.mover.snapshot;
    this.log(
      'flag',
      `${name(s)}: fractional ${safeInline(JSON.stringify(s.newVariant))} ${weight}% / ${safeInline(JSON.stringify(s.stableVariant))} ${100 - weight}% by targetingKey`,
    );
  }

  async promote(): Promise<void> {
    if (!this.mover) return;
    await this.mover.serve(this.mover.snapshot.newVariant, false);
    this.log(
      'flag',
      `${name(this.mover.snapshot)}: default variant ${safeInline(JSON.stringify(this.mover.snapshot.newVariant))} for everyone`,
    );
  }

  async restore(): Promise<void> {
    if (!this.mover) return;
    const result = await this.mover.restore();
    const how = result.exact
      ? 'the configuration from before the canary, byte for byte'
      : 'this flag as before the canary (another flag of the document changed meanwhile and keeps its change)';
    this.log('flag', `${name(this.mover.snapshot)}: ${result.changed ? 'restored' : 'already is'} ${how}`, true);
  }
}
