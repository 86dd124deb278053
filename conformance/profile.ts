/**
 * The conformance profile: which limbo testcases a TLS *client* validating a *server* chain must
 * pass, and, for every testcase it skips, why. A skip is legitimate only when the testcase checks
 * something a TLS server-chain validator does not do (or limbo marks as optional); it is never a
 * way to hide a wrong verdict (those are listed in known-failures.json instead).
 */
import type { LimboTestcase } from "./limbo.js";

/** Limbo features (limbo/models.py `Feature`) outside the profile, with the reason. */
const SKIPPED_FEATURES: Readonly<Record<string, string>> = {
  "has-crl": "revocation (CRLs) is out of scope: chaincheck validates the path, like a TLS client without revocation checking (OpenSSL, Go, Node default)",
  "has-policy-constraints": "certificate policies (RFC 5280 §6.1.3 (d)-(f), policy constraints) are not processed: TLS server validation in Go, rustls/webpki and Node ignores them",
  "max-chain-depth": "a caller-set maximum chain depth is not exposed: chaincheck's depth limit is its fixed path-builder budget",
  "pedantic-public-suffix-wildcard": "pedantic: rejecting wildcards on public suffixes needs the public suffix list, which TLS clients apart from browsers do not use",
  "pedantic-webpki-subscriber-key": "pedantic: CABF key rules on subscriber certificates, which TLS clients do not enforce beyond their security level",
  "pedantic-webpki-eku": "pedantic: CABF EKU profile rules (anyEKU leaf, critical EKU, EKU on a root) beyond what TLS clients check",
  "pedantic-serial-number": "pedantic: serial-number encoding rules that certificates in real trust stores violate and TLS clients accept",
  "pedantic-rfc5280": "pedantic: corners of the RFC 5280 profile that TLS clients ignore",
  "rfc5280-incompatible-with-webpki": "RFC 5280's prescription is stronger than the Web PKI's here (limbo's own definition); a TLS client takes the Web PKI side (Go, rustls/webpki, OpenSSL), so the testcase's conflicting webpki:: twin is the one run",
};

/** Features a TLS server validator should handle; listed so an unknown feature is noticed. */
const RUN_FEATURES: ReadonlySet<string> = new Set(["denial-of-service", "name-constraint-dn"]);

/**
 * Single testcases outside the profile. Each is one side of a contradiction: limbo's own
 * `conflicts_with` pairs, or CA/B Forum issuance rules on the subject CN that limbo's BetterTLS
 * testcases require a validator to ignore.
 */
const CN_PROFILE =
  "tests CA/B Forum BR 7.1.4.3 (the subject CN must copy a SAN entry character for character), an issuance rule no TLS client checks: " +
  "RFC 9525 §6.3 / RFC 6125 §6.4.4 have clients ignore the CN when SANs exist (Go and rustls/webpki list this testcase as an accepted divergence), " +
  "and limbo's own bettertls::nameconstraints testcases (e.g. tc1708: CN bad.example.com, SAN test.localhost) expect SUCCESS for the same structure; chaincheck never uses the CN when checking a host";
const SKIPPED_TESTCASES: Readonly<Record<string, string>> = {
  "rfc5280::ca-as-leaf":
    "conflicts with webpki::ca-as-leaf (the same chain, opposite verdicts); a TLS client takes the webpki side here: the leaf's keyUsage allows only keyCertSign, " +
    "which OpenSSL's sslserver purpose and the TLS handshake reject (chaincheck still accepts a CA certificate as a leaf when its key usage fits a TLS server)",
  "webpki::cn::ipv4-hex-mismatch": CN_PROFILE,
  "webpki::cn::ipv4-leading-zeros-mismatch": CN_PROFILE,
  "webpki::cn::ipv6-uppercase-mismatch": CN_PROFILE,
  "webpki::cn::ipv6-uncompressed-mismatch": CN_PROFILE,
  "webpki::cn::ipv6-non-rfc5952-mismatch": CN_PROFILE,
  "webpki::cn::punycode-not-in-san": CN_PROFILE,
  "webpki::cn::utf8-vs-punycode-mismatch": CN_PROFILE,
  "webpki::cn::not-in-san": CN_PROFILE,
  "webpki::cn::case-mismatch": CN_PROFILE,
};

/** Why `tc` is outside the profile, or null when it must be run. */
export function skipReason(tc: LimboTestcase): string | null {
  if (tc.validation_kind !== "SERVER") return "CLIENT validation (a server checking a client certificate): chaincheck validates server chains only";
  const single = SKIPPED_TESTCASES[tc.id];
  if (single) return single;
  for (const feature of tc.features ?? []) {
    const reason = SKIPPED_FEATURES[feature];
    if (reason) return `${feature}: ${reason}`;
    if (!RUN_FEATURES.has(feature)) return `${feature}: unknown limbo feature (consumers must skip features they do not understand)`;
  }
  if (tc.signature_algorithms.length > 0) return "caller-restricted signature algorithms are not an option of chaincheck";
  if (tc.expected_peer_name?.kind === "RFC822") return "an e-mail peer name is not a TLS server identity";
  return null;
}
