/** Options shared by `check` (live) and `verify` (offline), declared once. */
import { Command, Option } from "commander";
import { TARGET_OS_CHOICES } from "./options.js";

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Raw option values as commander hands them over (strings; parsed in the command). */
export interface CheckFlags {
  caFile: string[];
  at?: string;
  partialChain?: boolean;
  warnDays: string;
  intermediates: string[];
  targetOs: string;
  saveAnchors?: string;
  failOn: "error" | "warning";
  format: "text" | "json";
  output?: string;
  quiet?: boolean;
  verbose?: boolean;
  color: boolean;
}

export interface VerifyOnlyFlags {
  chain: string[];
  host?: string;
  service?: "tabpy" | "rserve";
  pfxPasswordEnv?: string;
}

export function addCheckOptions(command: Command): Command {
  return command
    .option("--ca-file <file>", "trust these CA certificates instead of the system store (repeatable)", collect, [])
    .option("--at <time>", "validation time, ISO 8601 (default: now)")
    .option("--partial-chain", "model partial-chain clients (curl, Go, Java, GnuTLS): any trusted certificate ends a path")
    .option("--warn-days <n>", "warn when a certificate on the path expires within N days", "30")
    .option("--intermediates <file>", "certificates you hold (not sent by the server), used for advice and the what-if (repeatable)", collect, [])
    .addOption(new Option("--target-os <os>", "OS of the Tableau machine, for the install commands").choices(TARGET_OS_CHOICES).default("auto"))
    .option("--save-anchors <dir>", "write each certificate to install (PEM) and install-anchors.sh into DIR")
    .addOption(new Option("--fail-on <level>", "exit 1 on errors only, or on warnings too").choices(["error", "warning"]).default("error"));
}

export function addOutputOptions(command: Command): Command {
  return command
    .addOption(new Option("--format <format>", "report format").choices(["text", "json"]).default("text"))
    .option("--output <file>", "write the report to FILE and print a one-line summary per target")
    .option("-q, --quiet", "one line per target: target  PASS|WARN|FAIL|ERROR  headline")
    .option("-v, --verbose", "add PEM blocks and full fingerprints")
    .option("--no-color", "no colour (also NO_COLOR=1)");
}
