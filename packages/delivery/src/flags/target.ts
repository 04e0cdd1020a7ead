/**
 * Which flag moves with the traffic: the flagd flag `flagKey` in the JSON document under
 * `dataKey` of the ConfigMap `configMap` (the file flagd watches), with the variant the new
 * version serves and the one the stable serves.
 */
export interface FlagTarget {
  configMap: string;
  /** The data key; empty: the one key whose document holds the flag. */
  dataKey: string;
  flagKey: string;
  newVariant: string;
  stableVariant: string;
}

/** The target plus the exact text found before the first change: what a rollback writes back. */
export interface FlagSnapshot extends FlagTarget {
  dataKey: string;
  previous: string;
}

/**
 * Largest flag document the actions change. The text before the change is kept in an
 * annotation (Kubernetes allows 256 KiB of them per object) so that rollback can restore it.
 */
export const MAX_FLAG_DOCUMENT_BYTES = 64 * 1024;
