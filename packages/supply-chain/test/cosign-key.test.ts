import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decryptCosignKey, encryptCosignKey, KeyError, loadSigningKey, publicKeyFingerprint } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// cosign's own test vector (pkg/cosign/keys_test.go pemsigstorekey), password "hello".
const COSIGN_KEY = readFileSync(path.join(here, 'fixtures/cosign-sigstore-hello.key'), 'utf8');

describe('cosign private keys', { timeout: 30_000 }, () => {
  it('decrypts a key made by cosign (scrypt N=32768 r=8 p=1, nacl/secretbox) to a P-256 key that signs', async () => {
    const key = await loadSigningKey(COSIGN_KEY, 'hello');
    expect(key.privateKey.asymmetricKeyType).toBe('ec');
    expect(key.privateKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(key.hash).toBe('sha256');
    expect(key.publicKeyPem).toContain('BEGIN PUBLIC KEY');
    expect(key.fingerprint).toBe(publicKeyFingerprint(createPublicKey(key.publicKeyPem)));
  });

  it('refuses a wrong password with a clear error', async () => {
    await expect(loadSigningKey(COSIGN_KEY, 'hellO')).rejects.toThrow(/wrong password/);
    await expect(loadSigningKey(COSIGN_KEY, '')).rejects.toBeInstanceOf(KeyError);
  });

  it('round-trips a generated key through the cosign format, and the signature verifies with the public key', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
    const pem = await encryptCosignKey(pkcs8, 's3cret', { N: 1024, r: 8, p: 1 });
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
    const body = Buffer.from(pem.split('\n').slice(1, -2).join(''), 'base64');
    const json = JSON.parse(body.toString()) as {
      kdf: { name: string; params: { N: number } };
      cipher: { name: string };
    };
    expect(json.kdf.name).toBe('scrypt');
    expect(json.cipher.name).toBe('nacl/secretbox');
    expect(Buffer.compare(await decryptCosignKey(body, 's3cret'), pkcs8)).toBe(0);
    const key = await loadSigningKey(pem, 's3cret');
    const { sign } = await import('node:crypto');
    const sig = sign('sha256', Buffer.from('payload'), { key: key.privateKey, dsaEncoding: 'der' });
    expect(verify('sha256', Buffer.from('payload'), createPublicKey(key.publicKeyPem), sig)).toBe(true);
    expect(verify('sha256', Buffer.from('payloaD'), createPublicKey(key.publicKeyPem), sig)).toBe(false);
  });

  it('loads unencrypted PKCS#8 and refuses hostile scrypt parameters and other PEM blocks', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const plain = await loadSigningKey(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), '');
    expect(plain.hash).toBeNull();
    const hostile = Buffer.from(
      JSON.stringify({
        kdf: { name: 'scrypt', params: { N: 1 << 30, r: 8, p: 1 }, salt: 'AA==' },
        cipher: { name: 'nacl/secretbox', nonce: 'AA==' },
        ciphertext: 'AA==',
      }),
    ).toString('base64');
    await expect(
      loadSigningKey(
        `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${hostile}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----`,
        'x',
      ),
    ).rejects.toThrow(/scrypt parameters out of range/);
    await expect(loadSigningKey('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', '')).rejects.toThrow(
      /unsupported PEM block "CERTIFICATE"/,
    );
    await expect(loadSigningKey('not a key', '')).rejects.toThrow(/not PEM/);
  });
});
