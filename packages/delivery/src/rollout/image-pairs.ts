/** A container's new image, from a `container=image` input entry. */
export interface ImageChange {
  container: string;
  image: string;
}

const show = (text: string): string => JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);

/** `api=registry/spikeformer:1.2` entries; a problem names the entry. */
export function parseImagePairs(
  entries: readonly string[],
): { ok: true; value: ImageChange[] } | { ok: false; problem: string } {
  const out: ImageChange[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const container = entry.slice(0, eq).trim();
    const image = entry.slice(eq + 1).trim();
    if (eq <= 0 || !container || !image) return { ok: false, problem: `expected container=image, got ${show(entry)}` };
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(container) || container.length > 63)
      return { ok: false, problem: `${show(container)} is not a valid container name` };
    if (image.length > 1024) return { ok: false, problem: `image ${show(image)} is longer than 1024 characters` };
    // eslint-disable-next-line no-control-regex
    if (/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(image))
      return { ok: false, problem: `image ${show(image)} contains white space or a control character` };
    if (out.some((c) => c.container === container))
      return { ok: false, problem: `container ${show(container)} is given twice` };
    out.push({ container, image });
  }
  return { ok: true, value: out };
}
