/** Options shared by `check` (live) and `verify` (offline), declared once. */
import { Command, Option } from "commander";
import { TARGET_OS_CHOICES } from "./options.js";

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export const OUTPUT_FORMATS = ["text", "json", "junit", "sarif", "pem", "openmetrics"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Raw option values as commander hands them over (strings; parsed in the command). */
export interface CheckFlags {
  caFile: string[];
  at?: string;
  partialChain?: boolean;
  warnDays: string;
  minDays?: string;
  expectIssuer?: string;
  expectFingerprint: string[];
  expectSameChain?: boolean;
  intermediates: string[];
  aia?: boolean;
  targetOs: string;
  saveAnchors?: string;
  force?: boolean;
  pfxPasswordEnv?: string;
  failOn: "error" | "warning";
  format: OutputFormat;
  output?: string;
  quiet?: boolean;
  verbose?: boolean;
  color: boolean;
}

export interface VerifyOnlyFlags {
  chain: string[];
  host?: string;
  service?: "tabpy" | "rserve";
  report?: string;
}

export function addCheckOptions(command: Command): Command {
  return command
    .option("--ca-file <file>", "trust these CA certificates instead of the system store (repeatable)", collect, [])
    .option("--at <time>", "validation time, ISO 8601 (default: now)")
    .option("--partial-chain", "model partial-chain clients (curl, Go, Java, GnuTLS, Python >= 3.13): any trusted certificate ends a path")
    .option("--warn-days <n>", "warn when a certificate on the path expires within N days", "30")
    .option("--min-days <n>", "fail when a certificate on the path expires within N days (rollout gate; default: off)")
    .option("--expect-issuer <subject>", "fail unless the leaf's issuer is SUBJECT (RFC 4514 as printed, e.g. \"CN=Corp Issuing CA, O=Corp\"; case and spaces ignored)")
    .option("--expect-fingerprint <sha256>", "fail unless the leaf or a certificate of the path has this SHA-256 (hex, colons optional; repeatable: any one matches)", collect, [])
    .option("--expect-same-chain", "fail targets that present a different chain than the others (fleet consistency)")
    .option("--intermediates <file>", "certificates you hold (not sent by the server), used for advice and the what-if (repeatable)", collect, [])
    .option("--aia", "download missing issuers from their AIA caIssuers URLs for the advice (at most 8 URLs, 3 s each, all within --timeout or 10 s)")
    .addOption(new Option("--target-os <os>", "OS of the Tableau machine, for the install commands").choices(TARGET_OS_CHOICES).default("auto"))
    .option("--save-anchors <dir>", "write each certificate to install (PEM) and an install script into DIR (install-anchors.sh; install-anchors.cmd for --target-os windows; new files only)")
    .option("--force", "let --save-anchors replace files that exist in DIR (it never writes through a symbolic link)")
    .option("--pfx-password-env <var>", "environment variable holding the password of PKCS#12 inputs (FILE, --chain, --intermediates, --ca-file); else a no-echo prompt on a terminal")
    .addOption(new Option("--fail-on <level>", "exit 1 on errors only, or on warnings too").choices(["error", "warning"]).default("error"));
}

export function addOutputOptions(command: Command): Command {
  return command
    .addOption(new Option("--format <format>", "report format (junit: one test case per target; sarif: one result per finding; pem: the certificates only, leaf first; openmetrics: Prometheus metrics)").choices(OUTPUT_FORMATS).default("text"))
    .option("--output <file>", "write the report to FILE (atomically: temp file + rename) and print a one-line summary per target")
    .option("-q, --quiet", "one line per target: target  PASS|WARN|FAIL|ERROR  headline")
    .option("-v, --verbose", "add PEM blocks and full fingerprints")
    .option("--no-color", "no colour (also NO_COLOR=1)");
}
