/**
 * The conformance profile: which limbo testcases a TLS *client* validating a *server* chain must
 * pass, and, for every testcase it skips, why. A skip is legitimate only when the testcase checks
 * something no TLS client checks (OpenSSL's default and X509_STRICT as Node and Python use them, Go,
 * Java, rustls) and chaincheck does not check either, or when limbo marks it as one side of a
 * contradiction; it is never a way to hide a wrong verdict (those are listed in known-failures.json).
 */
import type { LimboTestcase } from "./limbo.js";

/** Limbo features (limbo/models.py `Feature`) outside the profile, with the reason. */
const SKIPPED_FEATURES: Readonly<Record<string, string>> = {
  "has-crl": "revocation (CRLs) is out of scope: chaincheck validates the path, like a TLS client without revocation checking (OpenSSL, Go, Node default)",
  "has-policy-constraints": "certificate policies (RFC 5280 §6.1.3 (d)-(f), policy constraints) are not processed: TLS server validation in OpenSSL's default, Go, rustls/webpki and Node ignores them",
  "max-chain-depth": "a caller-set maximum chain depth is not exposed: chaincheck's depth limit is its fixed path-builder budget",
  "pedantic-public-suffix-wildcard": "pedantic: rejecting a wildcard over a multi-label public suffix needs the public suffix list, which only browsers use (OpenSSL, Node, Go and Java accept it)",
  "pedantic-webpki-subscriber-key": "pedantic: CABF key rules on subscriber certificates, which TLS clients do not enforce beyond their security level",
  "pedantic-webpki-eku": "pedantic: CABF EKU profile rules beyond OpenSSL's sslserver purpose: a leaf listing serverAuth beside anyExtendedKeyUsage, a critical EKU, a leaf without EKU and a root whose EKU includes serverAuth are accepted by OpenSSL, Node, Python, Go and Java",
  "pedantic-serial-number": "pedantic: serial-number encoding rules that certificates in real trust stores violate and TLS clients accept",
  "pedantic-rfc5280": "pedantic: corners of the RFC 5280 profile that TLS clients ignore (OpenSSL's X509_STRICT exempts the trust anchor from the authorityKeyIdentifier rule)",
  "rfc5280-incompatible-with-webpki": "RFC 5280's prescription is stronger than the Web PKI's here (limbo's own definition); a TLS client takes the Web PKI side (Go, rustls/webpki, OpenSSL), so the testcase's conflicting webpki:: twin is the one run",
};

/** Features a TLS server validator should handle; listed so an unknown feature is noticed. */
const RUN_FEATURES: ReadonlySet<string> = new Set(["denial-of-service", "name-constraint-dn"]);

/**
 * Testcases run although one of their features is skipped: a TLS client (or chaincheck itself) enforces exactly
 * the rule they test, so chaincheck must get them right.
 */
const RUN_DESPITE_FEATURE: Readonly<Record<string, string>> = {
  "rfc5280::serial::negative": "Go (1.23 and later) refuses to parse a certificate with a negative serial number",
  "rfc5280::serial::too-long": "chaincheck rejects a serial number longer than 20 octets (RFC 5280 §4.1.2.2), as pyca/cryptography does",
  "webpki::san::public-suffix-wildcard-san": "OpenSSL (X509_check_host) and Node never let a wildcard stand over a single remaining label such as *.com",
  "webpki::forbidden-p192-leaf": "OpenSSL's default security level 2 (Node, Python) refuses an EC key below 224 bits",
  "webpki::forbidden-weak-rsa-in-leaf": "OpenSSL's default security level 2 (Node, Python) refuses an RSA key below 2048 bits",
  "webpki::forbidden-dsa-leaf": "Go, rustls and browsers do not support DSA keys, and TLS 1.3 has no DSA",
  "webpki::forbidden-rsa-key-not-divisible-by-8-in-leaf": "chaincheck rejects an RSA modulus that is not a whole number of bytes (CA/B Forum BR 6.1.5)",
};

/**
 * Single testcases outside the profile. Each is one side of a contradiction (limbo's own
 * `conflicts_with` pairs), or a CA/B Forum issuance rule no TLS client enforces.
 */
const CN_PROFILE =
  "tests CA/B Forum BR 7.1.4.3 (the subject CN must copy a SAN entry character for character), an issuance rule no TLS client checks: " +
  "RFC 9525 §6.3 / RFC 6125 §6.4.4 have clients ignore the CN when SANs exist (Go and rustls/webpki list this testcase as an accepted divergence), " +
  "and limbo's own bettertls::nameconstraints testcases (e.g. tc1708: CN bad.example.com, SAN test.localhost) expect SUCCESS for the same structure; chaincheck never uses the CN when checking a host";
const ROOT_AKI_PROFILE =
  "tests CA/B Forum BR 7.1.2.1.3 (the shape of a root's own authorityKeyIdentifier), an issuance rule no TLS client applies to the trust anchor: " +
  "OpenSSL's X509_STRICT checks the authorityKeyIdentifier of every certificate but the last one, Go and rustls/webpki do not read it, " +
  "and chaincheck judges an anchor the same whether or not it has an authorityKeyIdentifier (a strict-model anchor whose key identifiers contradict is still no anchor)";
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
  "webpki::aki::root-with-aki-missing-keyidentifier": ROOT_AKI_PROFILE,
  "webpki::aki::root-with-aki-authoritycertissuer": ROOT_AKI_PROFILE,
  "webpki::aki::root-with-aki-authoritycertserialnumber": ROOT_AKI_PROFILE,
  "webpki::aki::root-with-aki-all-fields": ROOT_AKI_PROFILE,
  "webpki::aki::root-with-aki-ski-mismatch": ROOT_AKI_PROFILE,
  "webpki::san::san-critical-with-nonempty-subject":
    "tests CA/B Forum BR 7.1.2.7.12 (a critical subjectAltName beside a non-empty subject), an issuance rule TLS clients do not enforce " +
    "(OpenSSL with or without X509_STRICT, Node, Python, Go and Java accept it): chaincheck reports it as the CRITICAL_SUBJECT_ALT_NAME warning, not as a failure",
};

/** Why `tc` is outside the profile, or null when it must be run. */
export function skipReason(tc: LimboTestcase): string | null {
  if (tc.validation_kind !== "SERVER") return "CLIENT validation (a server checking a client certificate): chaincheck validates server chains only";
  const single = SKIPPED_TESTCASES[tc.id];
  if (single) return single;
  for (const feature of tc.features ?? []) {
    const reason = SKIPPED_FEATURES[feature];
    if (reason && !RUN_DESPITE_FEATURE[tc.id]) return `${feature}: ${reason}`;
    if (!reason && !RUN_FEATURES.has(feature)) return `${feature}: unknown limbo feature (consumers must skip features they do not understand)`;
  }
  if (tc.signature_algorithms.length > 0) return "caller-restricted signature algorithms are not an option of chaincheck";
  if (tc.expected_peer_name?.kind === "RFC822") return "an e-mail peer name is not a TLS server identity";
  return null;
}

/** Testcases run despite a skipped feature, with the client that enforces their rule (for the README and tests). */
export function runDespiteFeature(): Readonly<Record<string, string>> {
  return RUN_DESPITE_FEATURE;
}
