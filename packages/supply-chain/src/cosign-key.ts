import { createHash, createPrivateKey, createPublicKey, randomBytes, scrypt, type KeyObject } from 'node:crypto';
import { secretbox } from '@noble/ciphers/salsa.js';
import { errorMessage } from '@spikeformer-actions/core';

/**
 * cosign's private key files: PEM `ENCRYPTED SIGSTORE PRIVATE KEY` (legacy `ENCRYPTED COSIGN
 * PRIVATE KEY`) whose body is JSON {kdf: scrypt, cipher: nacl/secretbox, ciphertext} over a
 * PKCS#8 DER key (go-securesystemslib `encrypted`). Unencrypted PKCS#8/SEC1 PEM is taken too.
 */
export const SIGSTORE_KEY_PEM = 'ENCRYPTED SIGSTORE PRIVATE KEY';
export const COSIGN_KEY_PEM = 'ENCRYPTED COSIGN PRIVATE KEY';

export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

interface EncryptedKeyJson {
  kdf: { name: string; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}

function pemBlock(text: string): { type: string; body: Buffer } | null {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(text);
  if (!m || !m[1] || m[2] === undefined) return null;
  return { type: m[1], body: Buffer.from(m[2].replace(/\s+/g, ''), 'base64') };
}

function scryptAsync(password: Buffer, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // node's default maxmem (32 MiB) is below what N=32768, r=8 needs (128·N·r).
    scrypt(
      password,
      salt,
      32,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

function parseEncrypted(body: Buffer): EncryptedKeyJson {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new KeyError('the encrypted key body is not cosign JSON');
  }
  const j = json as { [K in keyof EncryptedKeyJson]?: Partial<EncryptedKeyJson[K]> };
  if (j.kdf?.name !== 'scrypt' || typeof j.kdf.salt !== 'string' || !j.kdf.params) {
    throw new KeyError(`unsupported key derivation ${JSON.stringify(j.kdf?.name)} (cosign keys use scrypt)`);
  }
  const { N, r, p } = j.kdf.params;
  // Bounds keep a hostile key file from asking for gigabytes of scrypt memory.
  if (![N, r, p].every((v) => Number.isInteger(v) && v > 0) || N > 1 << 20 || r > 32 || p > 16 || (N & (N - 1)) !== 0) {
    throw new KeyError(`scrypt parameters out of range (N=${N}, r=${r}, p=${p})`);
  }
  if (j.cipher?.name !== 'nacl/secretbox' || typeof j.cipher.nonce !== 'string') {
    throw new KeyError(`unsupported cipher ${JSON.stringify(j.cipher?.name)} (cosign keys use nacl/secretbox)`);
  }
  if (typeof j.ciphertext !== 'string') throw new KeyError('the encrypted key has no ciphertext');
  return j as EncryptedKeyJson;
}

/** Decrypts a cosign key; a wrong password is a KeyError (the secretbox MAC fails). */
export async function decryptCosignKey(body: Buffer, password: string): Promise<Buffer> {
  const enc = parseEncrypted(body);
  const key = await scryptAsync(Buffer.from(password, 'utf8'), Buffer.from(enc.kdf.salt, 'base64'), enc.kdf.params);
  const nonce = Buffer.from(enc.cipher.nonce, 'base64');
  if (nonce.length !== 24) throw new KeyError('the secretbox nonce is not 24 bytes');
  try {
    return Buffer.from(secretbox(key, nonce).open(Buffer.from(enc.ciphertext, 'base64')));
  } catch {
    throw new KeyError('wrong password for the encrypted key (decryption failed its integrity check)');
  } finally {
    key.fill(0);
  }
}

/** Encrypts a PKCS#8 DER key exactly as `cosign generate-key-pair` does. */
export async function encryptCosignKey(
  pkcs8: Buffer,
  password: string,
  params = { N: 32768, r: 8, p: 1 },
): Promise<string> {
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const key = await scryptAsync(Buffer.from(password, 'utf8'), salt, params);
  const ciphertext = secretbox(key, nonce).seal(pkcs8);
  key.fill(0);
  const json = JSON.stringify({
    kdf: { name: 'scrypt', params, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(ciphertext).toString('base64'),
  });
  const b64 = Buffer.from(json)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${SIGSTORE_KEY_PEM}-----\n${b64.trimEnd()}\n-----END ${SIGSTORE_KEY_PEM}-----\n`;
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SPKI PEM of the public key. */
  publicKeyPem: string;
  /** base64 sha256 of the SPKI DER: the bundle's publicKey hint and the printed fingerprint. */
  fingerprint: string;
  /** Digest the signature uses (sha256 for P-256/RSA; none for Ed25519). */
  hash: 'sha256' | 'sha384' | 'sha512' | null;
}

function describeKey(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const details = privateKey.asymmetricKeyDetails;
  let hash: SigningKey['hash'];
  switch (privateKey.asymmetricKeyType) {
    case 'ec':
      hash = details?.namedCurve === 'secp384r1' ? 'sha384' : details?.namedCurve === 'secp521r1' ? 'sha512' : 'sha256';
      break;
    case 'rsa':
      hash = 'sha256';
      break;
    case 'ed25519':
      hash = null;
      break;
    default:
      throw new KeyError(`unsupported key type ${privateKey.asymmetricKeyType ?? 'unknown'}`);
  }
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    fingerprint: createHash('sha256').update(der).digest('base64'),
    hash,
  };
}

/** Loads a cosign encrypted key or a plain PKCS#8/SEC1 PEM private key. */
export async function loadSigningKey(pem: string, password: string): Promise<SigningKey> {
  const block = pemBlock(pem);
  if (!block) throw new KeyError('the key is not PEM (expected a cosign.key or a PKCS#8 private key)');
  if (block.type === SIGSTORE_KEY_PEM || block.type === COSIGN_KEY_PEM) {
    const der = await decryptCosignKey(block.body, password);
    try {
      return describeKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
    } catch (e) {
      throw new KeyError(`the decrypted key is not PKCS#8 (${errorMessage(e)})`);
    } finally {
      der.fill(0);
    }
  }
  if (block.type === 'PRIVATE KEY' || block.type === 'EC PRIVATE KEY' || block.type === 'RSA PRIVATE KEY') {
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: pem, format: 'pem' });
    } catch (e) {
      // OpenSSL's reason (never the key's bytes) says what is wrong with the block.
      throw new KeyError(`the ${block.type} block cannot be read (${errorMessage(e)})`);
    }
    return describeKey(key);
  }
  if (block.type === 'ENCRYPTED PRIVATE KEY') {
    try {
      return describeKey(createPrivateKey({ key: pem, format: 'pem', passphrase: password }));
    } catch {
      throw new KeyError('wrong password for the encrypted PKCS#8 key');
    }
  }
  throw new KeyError(`unsupported PEM block "${block.type}" (expected ${SIGSTORE_KEY_PEM} or PRIVATE KEY)`);
}

/** base64 sha256 of a public key's SPKI DER (same as SigningKey.fingerprint). */
export function publicKeyFingerprint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ format: 'der', type: 'spki' }))
    .digest('base64');
}
