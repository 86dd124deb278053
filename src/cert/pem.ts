/** PEM encoding of DER (RFC 7468 §2: 64-column base64 lines). */
export function encodePem(der: Uint8Array, label = "CERTIFICATE"): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** The inverse of `encodePem` for a single block chaincheck wrote itself (reports re-read their own PEM). */
export function pemToDer(pem: string): Uint8Array {
  const body = pem.replace(/-----(BEGIN|END) [^-]+-----/g, "").replace(/\s+/g, "");
  return new Uint8Array(Buffer.from(body, "base64"));
}
