/** A container's new image, from a `container=image` input entry. */
export interface ImageChange {
  container: string;
  image: string;
}

/** `api=registry/spikeformer:1.2` entries; a problem names the entry. */
export function parseImagePairs(entries: readonly string[]): { ok: true; value: ImageChange[] } | { ok: false; problem: string } {
  const out: ImageChange[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const container = entry.slice(0, eq).trim();
    const image = entry.slice(eq + 1).trim();
    if (eq <= 0 || !container || !image) return { ok: false, problem: `expected container=image, got "${entry}"` };
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(container)) return { ok: false, problem: `"${container}" is not a valid container name` };
    if (/\s/.test(image)) return { ok: false, problem: `image "${image}" contains white space` };
    if (out.some((c) => c.container === container)) return { ok: false, problem: `container "${container}" is given twice` };
    out.push({ container, image });
  }
  return { ok: true, value: out };
}
