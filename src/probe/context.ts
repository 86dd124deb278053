/**
 * SecureContexts for probing, built once per distinct trust-anchor list and reused: parsing 150 roots per
 * connection would dominate a fleet run. I/O-adjacent (node:tls), no network.
 */
import { createHash } from "node:crypto";
import { createSecureContext, type SecureContext } from "node:tls";

/**
 * See what is there: TLS 1.0 and up, and security level 0 so RSA-1024 keys and SHA-1 signatures (in certificates and
 * in signature_algorithms) do not abort the handshake (Debian's OpenSSL defaults to level 2). The level in the cipher
 * string applies to the whole context, signature algorithms included.
 */
const PERMISSIVE = { minVersion: "TLSv1", maxVersion: "TLSv1.3", ciphers: "DEFAULT:@SECLEVEL=0" } as const;

/** Most runs use one or two lists; the bound only protects long-lived library users. */
const MAX_CACHED = 16;

const byIdentity = new WeakMap<readonly string[], SecureContext>();
const byContent = new Map<string, SecureContext>();
let withDefaultRoots: SecureContext | undefined;

/**
 * Returns the context to probe with. `ca` absent: Node's bundled roots (OpenSSL's verdict is then not reported).
 * The same array object hits a WeakMap; an equal list in another array is found by content hash.
 */
export function probeContext(ca?: readonly string[]): SecureContext {
  if (ca === undefined) return (withDefaultRoots ??= createSecureContext(PERMISSIVE));
  const known = byIdentity.get(ca);
  if (known) return known;
  const key = contentKey(ca);
  let context = byContent.get(key);
  if (!context) {
    context = createSecureContext({ ...PERMISSIVE, ca: [...ca] });
    if (byContent.size >= MAX_CACHED) byContent.delete(byContent.keys().next().value!);
    byContent.set(key, context);
  }
  byIdentity.set(ca, context);
  return context;
}

function contentKey(ca: readonly string[]): string {
  const hash = createHash("sha256");
  for (const pem of ca) hash.update(pem).update("\0");
  return `${ca.length}:${hash.digest("hex")}`;
}
