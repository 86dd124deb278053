/**
 * The advisor's words (src/advise decides, this says it): the certificates to install as reports list them, the
 * install steps with the commands of each platform, the server-side alternative per service, and the proof. Pure.
 */
import type { InstallItem, Service } from "../types.js";
import type { AdvisedCertificate, OpensslStatement, Proof, StepContext } from "../advise/advise.js";
import type { OpensslProofOutcome } from "../advise/openssl-proof.js";
import { installCommands, type Platform } from "../advise/platforms.js";
import { anchorFileNames } from "../advise/save.js";

function describe(item: InstallItem): string {
  return `the ${item.role} "${item.subject}"`;
}

/** How a caIssuers URL's file is encoded (RFC 5280 §4.2.2.1: one DER certificate, ".cer", or a PKCS#7 bundle, ".p7c"). */
export type PublishedFormat = "der" | "pkcs7" | "unknown";

export function publishedFormat(url: string): PublishedFormat {
  const path = url.replace(/[?#].*$/, "").toLowerCase();
  if (/\.(p7c|p7b|p7)$/.test(path)) return "pkcs7";
  if (/\.(cer|crt|der)$/.test(path)) return "der";
  return "unknown";
}

/**
 * URLs come from certificates (anyone can write them): a command is printed only for a URL made of characters
 * that are inert inside quotes in sh and cmd (no quote, no %, no backquote, no backslash, no blank).
 */
const SAFE_URL = /^https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&()*+,;=]+$/;

/** The downloaded file's name: the URL's last path segment when it is plain, else a neutral name. */
function downloadName(url: string, format: PublishedFormat): string {
  const last = url.replace(/[?#].*$/, "").split("/").pop() ?? "";
  if (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(last)) return last;
  return format === "pkcs7" ? "issuer.p7c" : "issuer.cer";
}

/** A DER (or PKCS#7) file -> the PEM file the store needs, on this platform; null when no standard tool does it. */
function conversion(platform: Platform, format: "der" | "pkcs7", from: string, to: string): string | null {
  if (platform.shell === "cmd") return format === "der" ? `certutil -encode ${from} ${to}` : null;
  return format === "der" ? `openssl x509 -inform der -in ${from} -out ${to}` : `openssl pkcs7 -inform der -print_certs -in ${from} -out ${to}`;
}

function plainHttp(url: string): boolean {
  return /^http:\/\//i.test(url);
}

/** Getting a certificate chaincheck does not hold: from its AIA URL (download, then convert) or from the CA administrator. */
function obtainSteps(item: InstallItem, file: string, platform: Platform, context: StepContext): string[] {
  const keyId = item.keyId ? ` (key id ${item.keyId})` : "";
  const above = item.role === "intermediate" ? " Its root too, if the store lacks it." : "";
  const url = item.publishedAt?.find((u) => SAFE_URL.test(u));
  if (!url) {
    const der = conversion(platform, "der", "issuer.cer", file);
    return [
      `Obtain ${describe(item)}${keyId} from your CA administrator as PEM, saved as ${file}${der ? " (convert DER with the command below)" : ""}.${above}`,
      ...(der ? [`  ${der}`] : []),
    ];
  }
  const format = publishedFormat(url);
  const download = downloadName(url, format);
  const how = context.aiaUsed
    ? `--aia could not download it (see AIA_FETCH_FAILED): download it from a machine that can reach the URL`
    : `run chaincheck again with --aia to download it, check it and prove the fix, or download it yourself`;
  const http = plainHttp(url)
    ? " Plain http:// is unauthenticated: anyone on the network path can replace the file, so compare its SHA-256 with one your CA administrator gives you."
    : "";
  const fetch = platform.shell === "cmd" ? `curl.exe -fsSL -o ${download} "${url}"` : `curl -fsSL -o ${download} '${url}'`;
  const steps = [`${describe(item)[0]!.toUpperCase()}${describe(item).slice(1)}${keyId} is published at ${url}: ${how}.${http}${above}`, `  ${fetch}`];
  const formats: ("der" | "pkcs7")[] = format === "unknown" ? ["der", "pkcs7"] : [format];
  const commands = formats.map((f) => ({ f, command: conversion(platform, f, download, file) }));
  if (format === "unknown") {
    steps.push(`The URL does not say whether it serves one DER certificate or a PKCS#7 bundle; convert it to PEM (${file}) with the first command, and if that fails, with the second:`);
  } else {
    steps.push(`It serves ${format === "der" ? "one DER certificate" : "a PKCS#7 bundle (DER)"}; convert it to PEM (${file}) before installing it:`);
  }
  for (const { f, command } of commands) {
    steps.push(command ? `  ${command}` : `(${f === "pkcs7" ? "PKCS#7" : "DER"}: no standard ${platform.label} tool converts it; use --aia --save-anchors DIR, or openssl on another machine)`);
  }
  return steps;
}

/** Before the commands: a root or self-signed certificate that nothing vouches for. */
function confirmStep(item: InstallItem): string {
  const origin = item.source === "aia" && item.downloadedFrom
    ? plainHttp(item.downloadedFrom)
      ? `a download over plain http:// (unauthenticated) from ${item.downloadedFrom}`
      : `a download from ${item.downloadedFrom}`
    : "the server itself";
  return `Before you trust ${describe(item)}, confirm its full SHA-256 ${item.sha256} with the certificate's owner over another channel (in person, by phone, from the CA team's own page): chaincheck has it only from ${origin}.`;
}

/** The PEM files chaincheck holds: where they come from, and the DER input's own conversion when that is useful. */
function saveStep(held: readonly { item: InstallItem; file: string }[], platform: Platform, context: StepContext): string[] {
  if (held.length === 0) return [];
  const files = held.map(({ item, file }) => `${file} (${item.role})`).join(", ");
  const steps = [`PEM files: --save-anchors DIR writes them, with an install script; --verbose and --report FILE.html show them. Save them as ${files}.`];
  const der = context.derFile;
  const own = der && !context.savesAnchors ? held.find(({ item }) => item.sha256 === der.sha256) : undefined;
  const command = own && der ? conversion(platform, "der", der.path, own.file) : null;
  if (command) steps.push(`Or convert your DER file ${der!.path} yourself:`, `  ${command}`);
  return steps;
}

export function installSteps(
  install: readonly InstallItem[], partial: readonly InstallItem[], platform: Platform, context: StepContext,
): string[] {
  if (install.length === 0) return [];
  const names = anchorFileNames(install, platform.extension);
  const files = install.map((item, i) => ({ item, file: names[i]! }));
  const steps: string[] = [];
  for (const { item, file } of files.filter((f) => f.item.pem === null)) steps.push(...obtainSteps(item, file, platform, context));
  for (const { item } of files.filter((f) => f.item.confirmOutOfBand)) steps.push(confirmStep(item));
  steps.push(...saveStep(files.filter((f) => f.item.pem !== null), platform, context));
  steps.push(`On the Tableau machine (${platform.label}; --target-os for another OS), install ${install.length > 1 ? "them in this order" : "it"}:`);
  for (const { item, file } of files) {
    for (const command of installCommands(platform, item, file)) steps.push(`  ${command}`);
  }
  for (const command of platform.refresh) steps.push(`  ${command}`);
  steps.push(...platform.notes);
  if (platform.verifier && install.some((i) => i.role === "intermediate")) steps.push(platform.verifier);
  steps.push(platform.restart);
  // The shortcut question (trust less than the full set?) arises only when the full set has more than one certificate.
  if (context.chainKind === "leaf-only" && (install.length > 1 || partial.length > 0)) {
    steps.push("The server sends only its leaf: strict clients (OpenSSL's default, Node, Python before 3.13) need every intermediate and the root; trusting the leaf or an intermediate alone works only for partial-chain clients (curl, Go, Java, GnuTLS, Python 3.13 and later).");
  }
  if (partial.length > 0) {
    steps.push(`Partial-chain clients only: installing ${partial.map(describe).join(", ")} alone would be enough for them; the full set above works for every client.`);
  }
  return steps;
}

/** Make the server send its intermediates instead of installing them on every client. */
export function serverSideSteps(service: Service | null): string[] {
  if (service === "rserve") {
    // Why (tls.cert sends only its first certificate) is said once, in the report's "In short".
    return ["Rserve: add `tls.ca FILE` (the intermediates and the root, PEM) to Rserv.conf; restart Rserve."];
  }
  if (service === "tabpy") {
    return ["TabPy: put the leaf followed by its intermediates (PEM) in the file named by TABPY_CERTIFICATE_FILE, then restart TabPy."];
  }
  return [
    "Configure the server to send its certificate followed by the intermediates (TabPy: TABPY_CERTIFICATE_FILE holds leaf + intermediates; Rserve: add `tls.ca FILE` with intermediates + root to Rserv.conf), then restart it.",
  ];
}

/** "the AIA caIssuers URL …, or your CA administrator": where to get an issuer chaincheck does not hold. */
function obtainFrom(item: AdvisedCertificate): string | undefined {
  if (item.kind === "loop-root") return "your CA administrator (the certificates presented only certify each other in a loop; none of them is a root)";
  if (item.kind === "missing") return item.publishedAt ? `the AIA caIssuers URL ${item.publishedAt.join(", ")}, or your CA administrator` : "your CA administrator";
  return undefined;
}

/** A certificate to install as reports list it (JSON `remediation.install[]`: the version 1 fields, then `kind`). */
export function installItem(item: AdvisedCertificate): InstallItem {
  const from = obtainFrom(item);
  return {
    role: item.role,
    subject: item.kind === "loop-root" ? `self-signed root CA above ${item.above}` : item.subject,
    sha256: item.sha256,
    pem: item.pem,
    source: item.source,
    confirmOutOfBand: item.confirmOutOfBand,
    ...(item.kind === "certificate" && item.downloadedFrom ? { downloadedFrom: item.downloadedFrom } : {}),
    ...(from ? { obtainFrom: from } : {}),
    ...(item.kind === "missing" && item.publishedAt ? { publishedAt: item.publishedAt } : {}),
    ...(item.kind === "missing" && item.keyId ? { keyId: item.keyId } : {}),
    kind: item.kind,
  };
}

/** `"A" and "B"`, or what the what-if installed when it installed nothing. */
const quotedNames = (names: readonly string[]): string => (names.length ? names.map((n) => `"${n}"`).join(" and ") : "the trust store as it is");

/** What the what-if did: "writing the file in the corrected order and installing "A" and "B"". */
function whatIfWords(proof: { readonly reordered: boolean; readonly installed: readonly string[] }): string {
  const installing = proof.installed.length > 0 ? `installing ${proof.installed.map((n) => `"${n}"`).join(" and ")}` : "";
  const reordering = proof.reordered ? "writing the file in the corrected order" : "";
  return [reordering, installing].filter(Boolean).join(" and ");
}

/** The proof in one paragraph: what re-running the validation with the advice showed (and OpenSSL's part). */
export function proofWords(proof: Proof): string {
  switch (proof.kind) {
    case "not-held":
      return `Not proven yet: chaincheck does not hold ${proof.missing.map((i) => `"${installItem(i).subject}"`).join(", ")}; ${
        proof.aiaHint ? "run chaincheck again with --aia to download what its AIA URL publishes, or " : ""
      }run chaincheck again with --intermediates FILE once you have it.`;
    case "verified": {
      const partial = proof.partialAlone ? ` Partial-chain clients only would also accept ${proof.partialAlone.map((n) => `"${n}"`).join("")} alone.` : "";
      const openssl = proof.openssl ? opensslWords(proof.openssl) : "";
      return `After ${whatIfWords(proof)}, the chain validates for ${proof.host ?? "this chain"} (re-checked by chaincheck, strict model).${partial}${openssl}`;
    }
    case "still-fails":
      return `After ${whatIfWords(proof)}, the chain still fails for ${proof.host ?? "this chain"}: ${[...new Set(proof.remaining)].join(", ")}. Fix ${proof.remaining.length > 1 ? "these" : "this"} too (see "What to do").`;
  }
}

function opensslWords(statement: OpensslStatement): string {
  return opensslProofWords(statement.outcome, quotedNames(statement.advised), quotedNames(statement.path));
}

const LOOPBACK = "a loopback TLS handshake with this chain, trusting the store plus exactly these certificates; host name not compared";

/** The sentence OpenSSL adds to chaincheck's proof; `advised` and `path` name the two anchor sets in words. */
function opensslProofWords(outcome: OpensslProofOutcome, advised: string, path: string): string {
  const [first, second] = outcome.checks;
  if (!first) return "";
  const when = outcome.sameTime ? "" : " (OpenSSL checks at the current time, not at chaincheck's validation time)";
  if (first.verdict === "accepted") {
    return ` Confirmed by OpenSSL too (${LOOPBACK}${outcome.sameTime ? "" : "; at the current time, not at chaincheck's validation time"}).`;
  }
  if (first.verdict === "unavailable") return ` OpenSSL's check could not run: ${first.reason ?? "no reason given"}.`;
  const rejected = `OpenSSL rejects ${advised} (${first.reason ?? "no reason given"})${when}: it prefers trusted certificates and does not backtrack, so it may take another path than chaincheck`;
  if (!outcome.sameTime) return ` Not comparable: ${rejected}.`;
  if (second?.verdict === "accepted") {
    return ` chaincheck accepts ${advised}, but ${rejected}. The set above is therefore ${path}: with it both accept the chain (${LOOPBACK}).`;
  }
  if (second?.verdict === "unavailable") {
    return ` Both verdicts: chaincheck accepts ${advised}; ${rejected}; its check of ${path} could not run (${second.reason ?? "no reason given"}).`;
  }
  const also = second ? `; it also rejects ${path} (${second.reason ?? "no reason given"})` : "";
  return ` Both verdicts: chaincheck accepts ${advised}; ${rejected}${also}. No set to install satisfies both: clients built on OpenSSL may still reject this chain. Serve the simplest chain (leaf, then its own intermediates) and remove stale intermediates from the client's store (OpenSSL uses a trusted intermediate first, even one that leads to no trusted root).`;
}
