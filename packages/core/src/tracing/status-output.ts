import { readFile, stat } from 'node:fs/promises';

const MAX_OUTPUT_FILE_BYTES = 4 * 1024 * 1024;

/**
 * The value of the step's `status` output as written to GITHUB_OUTPUT (`status<<DELIM`, the
 * value, DELIM): the last one written, or undefined when there is none or the file is too big
 * to read.
 */
export async function statusOutput(file: string | undefined): Promise<string | undefined> {
  if (!file) return undefined;
  try {
    if ((await stat(file)).size > MAX_OUTPUT_FILE_BYTES) return undefined;
    return lastStatus(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export function lastStatus(text: string): string | undefined {
  let found: string | undefined;
  const block = /^status<<(\S+)\r?\n([^\r\n]*)\r?\n\1$/gm;
  for (let m = block.exec(text); m !== null; m = block.exec(text)) found = m[2];
  return found;
}
