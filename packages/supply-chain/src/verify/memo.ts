import { ASN1Obj, X509Certificate } from '@sigstore/core';

/**
 * Two memoisations of pure computations inside @sigstore/core, measured to be most of the cost of
 * a verification (bench/verify-provenance):
 * - ASN1Obj.toDER() re-encodes a parsed object byte by byte on every call, and certificate
 *   comparisons (subject, issuer, equals) call it many times per chain; parsed objects are never
 *   modified, so their encoding is kept per object.
 * - The CA path is rebuilt for every bundle, re-checking each CA-to-CA signature of the trusted
 *   root (ECDSA P-384); those depend only on two immutable CA certificates of the trust material,
 *   so they are kept per certificate pair. A leaf (non-CA) certificate is always verified afresh.
 */
const encodings = new WeakMap<ASN1Obj, Buffer>();
const caResults = new WeakMap<X509Certificate, Map<X509Certificate | undefined, boolean>>();
let installed = false;

export function installVerificationMemo(): void {
  if (installed) return;
  installed = true;
  const toDER = ASN1Obj.prototype.toDER;
  ASN1Obj.prototype.toDER = function memoisedToDER(this: ASN1Obj): Buffer {
    let der = encodings.get(this);
    if (der === undefined) {
      der = toDER.call(this);
      encodings.set(this, der);
    }
    // A copy: callers own what they get, the kept encoding stays intact.
    return Buffer.from(der);
  };
  const verify = X509Certificate.prototype.verify;
  X509Certificate.prototype.verify = function memoisedVerify(this: X509Certificate, issuer?: X509Certificate): boolean {
    const known = caResults.get(this)?.get(issuer);
    if (known !== undefined) return known;
    const ok = verify.call(this, issuer);
    if (this.isCA && (issuer === undefined || issuer.isCA)) {
      let byIssuer = caResults.get(this);
      if (!byIssuer) caResults.set(this, (byIssuer = new Map()));
      byIssuer.set(issuer, ok);
    }
    return ok;
  };
}
