/**
 * The plain words every human view shares (text report, HTML page): verdicts, roles, markers and the
 * "in short" sentences a senior engineer would tell a support customer. Pure. The strings returned
 * here still hold raw certificate fields: each renderer neutralises them for its medium.
 */
import type { InstallItem, ReportedFinding, Severity, Status } from "../types.js";
import type { ChainResult, PathCertificate, PresentedCertificate } from "../result/verdict.js";
import type { TableauSetup } from "../advise/tableau.js";
import type { WireOrderReason } from "../probe/types.js";
import { sortFindings } from "../findings/finding.js";
import { titleOf } from "./findings.js";
import { hasUnsafeText } from "../report/safe-text.js";
import { wholeDays } from "../validate/days.js";


export const STATUS_WORD: Readonly<Record<Status, string>> = { pass: "PASS", warn: "WARN", fail: "FAIL", error: "ERROR" };
export const SEVERITY_WORD: Readonly<Record<Severity, string>> = { error: "ERROR", warning: "WARN", info: "INFO" };

export const END_WORDS = {
  anchored: "ends at a trust anchor",
  "partial-anchor": "ends at a trusted certificate that is not a root (enough for partial-chain clients only)",
  "untrusted-root": "ends at a root that is not in the trust store",
  "issuer-not-found": "stops: the next issuer is neither sent nor in the trust store",
  budget: "stops: search limit reached",
} as const;

export const MODEL_WORDS = {
  strict: "strict: the path must end at a trusted root (OpenSSL's default, Node, Python < 3.13)",
  "partial-chain": "partial-chain: any trusted certificate may end the path (curl, Go, Java, GnuTLS, Python 3.13+)",
} as const;

/** Errors first, then warnings, then information; within a severity the most specific (highest rank) first. */
export function orderedFindings(findings: readonly ReportedFinding[]): ReportedFinding[] {
  return sortFindings(findings);
}

/** "TabPy", "Rserve", "TLS", or null when no service was detected or given. */
export function serviceLabel(service: ChainResult["service"]): string | null {
  return service === "tabpy" ? "TabPy" : service === "rserve" ? "Rserve" : service === "tls" ? "TLS" : null;
}

/** The verdict's reason, e.g. "not trusted: Issuer not found (ISSUER_NOT_FOUND)". Codes and titles only: safe as is. */
export function verdictReason(result: ChainResult): string {
  const head = result.findings.find((f) => f.code === result.headline);
  const named = (f: ReportedFinding | undefined) => (f ? `${titleOf(f.code)} (${f.code})` : "");
  if (result.status === "error") return `not checked: ${named(head) || "the chain could not be obtained"}`;
  if (result.status === "fail") return head ? `${result.trusted ? "trusted, but failed" : "not trusted"}: ${named(head)}` : "not trusted";
  const warnings = orderedFindings(result.findings).filter((f) => f.severity === "warning");
  if (warnings.length === 0) return "trusted";
  return `trusted, ${plural(warnings.length, "warning")}: ${named(warnings[0])}`;
}

/** "1 day", "2 days". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** "2025-01-01 to 2049-12-31, 7304 days left" / "…, expired 185 days ago" / "…, not valid for 3 more days". */
export function validityWords(cert: { notBefore?: string; notAfter: string }, checkedAt: string): string {
  const days = wholeDays(checkedAt, cert.notAfter);
  const range = cert.notBefore ? `${cert.notBefore.slice(0, 10)} to ${cert.notAfter.slice(0, 10)}` : `until ${cert.notAfter.slice(0, 10)}`;
  if (cert.notBefore && Date.parse(cert.notBefore) > Date.parse(checkedAt)) {
    return `${range}, not valid for ${plural(-wholeDays(cert.notBefore, checkedAt), "more day")}`;
  }
  return `${range}, ${days >= 0 ? `${plural(days, "day")} left` : `expired ${plural(-days, "day")} ago`}`;
}

function onPath(result: ChainResult, sha256: string): boolean {
  return result.builtPath?.certificates.some((c) => c.sha256 === sha256) ?? false;
}

function isDuplicate(result: ChainResult, index: number): boolean {
  return result.presented.findIndex((c) => c.sha256 === result.presented[index]!.sha256) < index;
}

/** The role a presented certificate plays, in words. */
export function roleOf(cert: PresentedCertificate, index: number): string {
  if (index === 0) return "leaf";
  return cert.selfSigned ? "root" : cert.isCA ? "intermediate" : "certificate (not a CA)";
}

export type Tone = "bad" | "warn" | "good" | "info";
export interface Marker {
  readonly word: string;
  readonly tone: Tone;
}

/** Markers of a certificate on the built path: expired, and how the path ends at its last certificate. */
export function pathMarkers(cert: PathCertificate, index: number, result: ChainResult): Marker[] {
  const built = result.builtPath!;
  const marks: Marker[] = [];
  if (Date.parse(cert.notAfter) < Date.parse(result.checkedAt)) marks.push({ word: "EXPIRED", tone: "bad" });
  if (index === built.certificates.length - 1) {
    if (built.end === "anchored") marks.push({ word: "trust anchor", tone: "good" });
    if (built.end === "partial-anchor") marks.push({ word: "trusted, but not a root", tone: "warn" });
    if (built.end === "untrusted-root") marks.push({ word: "root not in the trust store", tone: "bad" });
  }
  return marks;
}

/** Codes shown by their own marker, not repeated as a code marker. */
const MARKED: ReadonlySet<string> = new Set(["EXPIRED", "NOT_YET_VALID", "EXTRA_CERTIFICATE", "DUPLICATE_CERTIFICATE", "EXPIRING_SOON", "ROOT_PRESENTED", "LEAF_ONLY", "CROSS_CERTIFICATE"]);

/** Word markers for a presented certificate: meaning in words, colour only as a second channel. */
export function markersOf(cert: PresentedCertificate, index: number, result: ChainResult): Marker[] {
  const marks: Marker[] = [];
  const about = result.findings.filter((f) => f.certificate === cert.sha256);
  if (cert.selfSigned) marks.push({ word: "self-signed", tone: "info" });
  if (result.path && result.path[result.path.length - 1] === cert.sha256) marks.push({ word: "trust anchor", tone: "good" });
  if (Date.parse(cert.notAfter) < Date.parse(result.checkedAt)) marks.push({ word: "EXPIRED", tone: "bad" });
  else if (Date.parse(cert.notBefore) > Date.parse(result.checkedAt)) marks.push({ word: "NOT YET VALID", tone: "bad" });
  else if (about.some((f) => f.code === "EXPIRING_SOON")) marks.push({ word: "expires soon", tone: "warn" });
  if (index > 0 && isDuplicate(result, index)) marks.push({ word: "duplicate", tone: "warn" });
  else if (index > 0 && about.some((f) => f.code === "CROSS_CERTIFICATE")) marks.push({ word: "on another path (cross-certificate)", tone: "info" });
  else if (index > 0 && result.builtPath && !onPath(result, cert.sha256)) marks.push({ word: "not on the path", tone: "warn" });
  for (const f of about) {
    if (f.severity !== "info" && !MARKED.has(f.code)) marks.push({ word: f.code, tone: f.severity === "error" ? "bad" : "warn" });
  }
  if (hasUnsafeText(cert.subject) || hasUnsafeText(cert.issuer) || cert.subjectAltNames.some(hasUnsafeText)) {
    marks.push({ word: "control characters in its names (shown escaped)", tone: "bad" });
  }
  return marks;
}

/** Where a certificate of the built path came from. */
export function sourceWords(cert: PathCertificate, result: ChainResult): string {
  if (cert.source === "store") return "trust store";
  if (cert.source === "held") return "held by you (--intermediates / Rserve file / AIA), not sent";
  const position = result.presented.findIndex((c) => c.sha256 === cert.sha256);
  return position >= 0 ? `sent as #${position + 1}` : "sent";
}

function sender(result: ChainResult): string {
  if (result.connection) return "The server sent";
  const fixed = result.bundle?.reordered ? "once the file is in order (leaf first), " : "";
  if (result.service === "rserve") return `Rserve sends only the first certificate of its tls.cert file, so ${fixed}it will send`;
  const who = result.service === "tabpy" ? "TabPy" : "the server";
  return fixed ? `Once the file is in order (leaf first), ${who} will send` : `${who[0]!.toUpperCase()}${who.slice(1)} will send`;
}

/** What the server sends: leaf only, or leaf + N intermediates, root included or not. */
export function sentSentence(result: ChainResult): string | null {
  const n = result.presented.length;
  if (n === 0) return null;
  if (result.chainKind === "self-signed") return `${sender(result)} a single self-signed certificate.`;
  if (n === 1) return `${sender(result)} the leaf only: no intermediate and no root.`;
  let intermediates = 0, roots = 0, cross = 0, stray = 0, duplicates = 0;
  const crossShas = new Set(result.findings.filter((f) => f.code === "CROSS_CERTIFICATE").map((f) => f.certificate));
  result.presented.forEach((c, i) => {
    if (i === 0) return;
    if (isDuplicate(result, i)) duplicates++;
    else if (c.selfSigned) roots++;
    else if (crossShas.has(c.sha256)) cross++;
    else if (result.builtPath && !onPath(result, c.sha256)) stray++;
    else intermediates++;
  });
  const parts = ["the leaf"];
  if (intermediates) parts.push(plural(intermediates, "intermediate"));
  if (roots) parts.push(roots === 1 ? "a root" : plural(roots, "root"));
  if (cross) parts.push(plural(cross, "cross-certificate"));
  if (stray) parts.push(`${stray} not on the path`);
  if (duplicates) parts.push(plural(duplicates, "duplicate"));
  const list = `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
  const rootNote = roots ? " (clients ignore a sent root and use their own copy)" : "; no root (normal: clients use their own copy)";
  return `${sender(result)} ${n} certificates: ${list}${rootNote}.`;
}

function quoted(s: string): string {
  return `"${s}"`;
}

/** Why the client does or does not trust the chain, in one or two sentences. */
export function whySentence(result: ChainResult): string {
  const head = result.findings.find((f) => f.code === result.headline);
  if (result.status === "error") return `chaincheck could not check it: ${head?.message ?? "no chain was obtained"}`;
  const certs = result.builtPath?.certificates ?? [];
  const top = certs[certs.length - 1];
  if (result.trusted) {
    const anchor = top ? ` the path ends at ${quoted(top.subject)}, which is in the trust store` : "";
    const but = result.status === "fail" && head ? ` It fails another check, though: ${head.message}` : "";
    return `It is trusted:${anchor || " a valid path was found"}.${but}`;
  }
  const more = result.findings.filter((f) => f.severity === "error").length - 1;
  const also = more > 0 ? ` (${plural(more, "more error")} below)` : "";
  const moreSentence = more > 0 ? ` ${more === 1 ? "1 more error is" : `${more} more errors are`} listed below.` : "";
  if (!head) return `It is not trusted${also}.`;
  // No path at all (the leaf itself cannot be used): the headline's own words say why.
  if (!top) return `It is not trusted: ${head.message}${moreSentence}`;
  switch (head.code) {
    case "ISSUER_NOT_FOUND": {
      const issuer = missingIssuer(result)?.subject;
      if (missingIssuer(result)?.loop) {
        return `It is not trusted: the certificates sent only certify each other in a loop (${quoted(top.subject)} is issued by ${quoted(issuer!)}, already on the path), so no path reaches a root${also}.`;
      }
      return `It is not trusted: the issuer of ${quoted(top.subject)}${issuer ? `, ${quoted(issuer)},` : ""} is neither sent by the server nor in the trust store, so no path reaches a root${also}.`;
    }
    case "UNTRUSTED_ROOT":
      return `It is not trusted: the path ends at the root ${quoted(top.subject)}, which is not in the trust store${also}.`;
    case "SELF_SIGNED":
      return `It is not trusted: the certificate is self-signed and is not in the trust store${also}.`;
    case "PARTIAL_CHAIN_ANCHOR":
      return `Strict clients (OpenSSL's default, Node, Python before 3.13) reject it: the path ends at ${quoted(top.subject)}, which is in the trust store but is not a root; only partial-chain clients (curl, Go, Java, GnuTLS, Python 3.13+) accept that${also}.`;
    default: {
      // A file whose server certificate is not first does not load at all: that comes before any trust question.
      const lead = head.code === "CHAIN_ORDER" && result.bundle?.reordered ? "It cannot be served as it is." : "It is not trusted:";
      return `${lead} ${head.message}${moreSentence}`;
    }
  }
}

const SERVER_FIX = {
  rserve: "make Rserve send the chain (tls.ca in Rserv.conf)",
  tabpy: "make TabPy send its intermediates (TABPY_CERTIFICATE_FILE)",
  tls: "make the server send its intermediates",
} as const;

/** The lead-in of the list of failures no installed certificate fixes. */
export function cannotFixLead(result: ChainResult): { readonly lead: string; readonly then: string } {
  return {
    lead: "No certificate you install fixes these",
    then: result.remediation.recheck ? "each says what to check or change" : "the certificate or the server must change",
  };
}

/**
 * OpenSSL's second opinion in words, saying what it was asked (the chain, not the host name) and never "agrees"
 * beside a failure for another reason. Null when the probe had no OpenSSL verdict.
 */
export function opensslWords(result: ChainResult): string | null {
  const o = result.connection?.openssl;
  if (!o) return null;
  const verdict = o.authorized ? "trusts the chain" : `not trusted (${o.reason ?? "no reason given"})`;
  switch (o.comparison) {
    case "other-time":
      return `${verdict} at the current time (host name not compared); not compared with chaincheck, which checked at ${result.checkedAt} (--at)`;
    case "other-model":
      return `${verdict} (its strict default model, host name not compared); not compared with chaincheck's partial-chain verdict`;
    case "differs":
      return `${verdict} (host name not compared); differs from chaincheck (see OPENSSL_DISAGREES)`;
    case "agrees": {
      if (!o.authorized) return `${verdict}; agrees with chaincheck on the chain (host name not compared)`;
      const head = result.status === "fail" ? result.headline : null;
      return head ? `${verdict} (host name not compared); chaincheck fails it for ${head}` : `${verdict} (host name not compared), as chaincheck does`;
    }
  }
}

/** Why the presented chain is Node's view and not the wire's, in words. */
export function orderReasonWords(reason: WireOrderReason | undefined): string {
  if (!reason) return "the wire could not be parsed";
  return reason.kind === "leaf-differs" ? "its first certificate is not the one OpenSSL verified" : `the wire could not be parsed: ${reason.reason}`;
}

/** The order the presented chain is shown in: wire, reconstructed, the file's, or the corrected one. */
export function presentedOrderWords(result: ChainResult): string {
  if (result.connection) return result.connection.order === "wire" ? "wire order" : "reconstructed order";
  return result.bundle?.reordered ? "corrected order, leaf first: not the file's order, see CHAIN_ORDER" : "file order, as the server will send it";
}

/** Where a certificate to install came from, in words ("sent by the server", "downloaded over plain http:// from …"). */
export function installSourceWords(item: InstallItem): string {
  switch (item.source) {
    case "presented":
      return "sent by the server";
    case "aia":
      return item.downloadedFrom
        ? /^http:\/\//i.test(item.downloadedFrom)
          ? `downloaded over plain http:// (unauthenticated) from ${item.downloadedFrom} (--aia)`
          : `downloaded from ${item.downloadedFrom} (--aia)`
        : "downloaded with --aia";
    case "held":
      return "from your files (--intermediates, --ca-file or the rest of the bundle)";
    case "store":
      return "in the trust store chaincheck checked against";
    case "unknown":
      return "not held by chaincheck";
  }
}

/** How the built path ends, in words (a loop of cross-certifying CAs is named as such). */
export function pathEndWords(result: ChainResult): string {
  if (!result.builtPath) return "no path";
  return missingIssuer(result)?.loop ? "stops: the certificates loop back on themselves and no root is above them" : END_WORDS[result.builtPath.end];
}

/** The built path when it is the presented leaf alone and its issuer is missing (Rserve): one sentence. */
export function leafAlonePathWords(issuer: string): string {
  return `stops at the leaf (#1): its issuer ${issuer} is neither sent nor in the trust store`;
}

/** When the built path stops at a missing issuer: its name, and whether it is already on the path (a loop). */
export function missingIssuer(result: ChainResult): { readonly subject: string | null; readonly loop: boolean } | null {
  const built = result.builtPath;
  const top = built?.certificates[built.certificates.length - 1];
  if (built?.end !== "issuer-not-found" || !top) return null;
  const subject = result.presented.find((c) => c.sha256 === top.sha256)?.issuer ?? null;
  return { subject, loop: built.loop === true };
}

/** The fix in one sentence, pointing at "What to do"; null when there is nothing to fix. */
export function fixSentence(result: ChainResult): string | null {
  const r = result.remediation;
  if (result.status === "error") return result.findings[0]?.remediation ?? null;
  if (result.status === "pass") return null;
  if (result.status === "warn") return "Nothing blocks Tableau now; the warnings below say what to tidy up.";
  const sentences: string[] = [];
  if (r.reorder) sentences.push("To fix it, write the file leaf first (the command is below).");
  if (r.install.length > 0) {
    // Named in "What to do" just below: here the count and the roles only.
    const roles = [...new Set(r.install.map((i) => i.role))].join(" and ");
    const what = r.install.length === 1 ? `the missing ${roles}` : `${r.install.length} certificates (${roles})`;
    const server = r.serverSide.length > 0 ? `, or ${SERVER_FIX[result.service ?? "tls"]}` : "";
    sentences.push(`${r.reorder ? "Then install" : "To fix it, install"} ${what} on the Tableau machine${server}.`);
  }
  if (r.recheck) {
    sentences.push(`This check used ${r.recheck.checked}: if Tableau connects with ${r.recheck.servername}, run chaincheck again with --servername ${r.recheck.servername}; if it must connect to ${r.recheck.checked}, the certificate must be reissued to cover it.`);
  }
  const codes = [...new Set(r.cannotFixFindings.map((f) => f.code))].filter((c) => !(r.recheck && c === "HOSTNAME_MISMATCH"));
  if (codes.length > 0) {
    sentences.push(`${r.install.length > 0 || r.recheck ? "Also, no" : "No"} certificate you install fixes ${codes.join(", ")}: the certificate or the server must change.`);
  }
  return sentences.length ? sentences.join(" ") : null;
}

/** Plain lines for the text report; lines indented by four spaces are commands (never wrapped). */
export function tableauSetupLines(setup: TableauSetup): string[] {
  const type = setup.connectionType === "RServe" ? "rserve" : "tabpy";
  const auth = setup.signIn ? ` --extsvc-username ${setup.username ?? "USER"} --extsvc-password …` : "";
  const signIn = setup.signIn ? `on (user ${setup.username ?? "your TabPy user"})` : "off";
  return [
    `Tableau side of the setup (the host must be a name the certificate is valid for: ${setup.validNames.join(", ") || "none"}):`,
    `  Tableau Server 2020.2 and later: Settings > Extensions on the site: connection type ${setup.connectionType}, Host ${setup.host}, Port ${setup.port}, Require SSL on, Sign in with username and password ${signIn}.`,
    "  Older Tableau Server (commands):",
    `    tsm security vizql-extsvc-ssl enable --connection-type ${type} --extsvc-host ${setup.host} --extsvc-port ${setup.port}${auth}`,
    "    tsm pending-changes apply",
    "  Tableau Desktop: Help > Settings and Performance > Manage Analytics Extension Connection: the same fields, then Test Connection.",
  ];
}
