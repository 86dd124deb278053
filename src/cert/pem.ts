/** PEM encoding of DER (RFC 7468 §2: 64-column base64 lines). */
export function encodePem(der: Uint8Array, label = "CERTIFICATE"): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
