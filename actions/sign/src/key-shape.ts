/**
 * What is wrong with a `key` input that is not PEM text, said without echoing it: the value
 * may be secret material pasted the wrong way.
 */

const PEM_BEGIN = '-----BEGIN ';
// base64 of "-----BEGIN": how a base64-encoded PEM starts.
const BASE64_PEM = 'LS0tLS1CRUdJTi';
const KEY_FILE = /\.(key|pem|priv|private|der|p8)$/i;

/** Whether a value is more likely a file name than key material. */
export function looksLikePath(value: string): boolean {
  const v = value.trim();
  if (v === '' || v.length > 1024 || /[\r\n]/.test(v) || v.includes(PEM_BEGIN)) return false;
  if (/^(~|\.{1,2})?[/\\]/.test(v) || /^[A-Za-z]:[/\\]/.test(v) || KEY_FILE.test(v)) return true;
  // A relative path with folders; base64 also holds `/`, but not `.` before a name-like tail.
  return /^[\w.-]+([/\\][\w.-]+)+$/.test(v) && /\.[A-Za-z]\w*$/.test(v);
}

/** Undefined when the value holds a PEM block; otherwise why it cannot be a key. */
export function keyProblem(value: string): string | undefined {
  if (value.includes(PEM_BEGIN)) return undefined;
  if (looksLikePath(value)) return "looks like a path: give the key's content (a secret), not a file name";
  if (value.replace(/\s+/g, '').startsWith(BASE64_PEM))
    return 'looks base64-encoded: give the PEM text itself (decode it first)';
  return 'is not PEM (expected the text of a cosign.key or of a PKCS#8 private key)';
}
