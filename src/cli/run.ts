/**
 * The command line: `run(argv, io, deps) -> exit code` (certigo's `cli.Run`, attw's CLI): commander parses the
 * flags, each command's module (check.ts, verify.ts, tableau.ts, exporter.ts, demo.ts) turns them into a request
 * for src/app and prints what comes back. `deps` (the trust loader, OS detection, the prompt) defaults to the
 * machine `io` describes; `main.ts` is the only caller that uses the real process.
 */
import { Command, CommanderError, Option } from "commander";
import { EXIT } from "./exit-code.js";
import { withSafeStderr, type CliIo } from "./io.js";
import { addCheckOptions, addOutputOptions, collect, type CheckFlags, type VerifyOnlyFlags } from "./flags.js";
import type { CredentialFlags, ProbeFlags } from "./check.js";
import { defaultDeps, type CliDeps } from "./deps.js";
import type { TableauFlags } from "./tableau.js";
import type { ExporterFlags } from "./exporter.js";
import { formatUsageError, HELP } from "./help.js";
import { describeError } from "./errors.js";

import { VERSION } from "./version.js";

export async function run(argv: readonly string[], terminal: CliIo, injected: Partial<CliDeps> = {}): Promise<number> {
  const io = withSafeStderr(terminal);
  const deps: CliDeps = { ...defaultDeps(terminal), ...injected };
  let outcome: Promise<number> | undefined;
  const program = new Command()
    .name("chaincheck")
    .description("Will Tableau trust this TLS endpoint's certificate chain? If not, what to install where.")
    .version(VERSION, "-V, --version")
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(formatUsageError(text)),
    })
    .addHelpText("after", HELP.main);

  const check = program
    .command("check", { isDefault: true })
    .description("probe live TLS endpoints (TabPy, Rserve, any TLS server) and judge the chain they present")
    .argument("[targets...]", "host, host:port, [v6addr]:port or https://host:port/ (default port 9004)")
    .addOption(new Option("--servername <name>", "SNI and the name checked against the certificate (default: the target host)"))
    .addOption(new Option("--service <service>", "what to expect on the port (tabpy/rserve: anything else is SERVICE_MISMATCH)").choices(["auto", "tabpy", "rserve", "tls"]).default("auto"))
    .option("--timeout <ms>", "bound for everything of a target: connect, handshake, detection, --aia, credentials", "10000")
    .option("--targets-file <file>", "one target per line (# comments; optional servername=NAME service=NAME)")
    .option("--concurrency <n>", "targets checked at once", "16")
    .option("--report <file>", "write a self-contained support file (.html for a web page, else JSON)")
    .option("--user <name>", "TabPy user for the credentials check (Tableau's Test Connection)")
    .option("--password-env <var>", "environment variable holding the TabPy password (else a no-echo prompt)")
    .option("--send-credentials-untrusted", "send credentials even when the chain is not trusted")
    .addHelpText("after", HELP.check);
  addCheckOptions(check);
  addOutputOptions(check);
  check.action((targets: string[], flags: CheckFlags & ProbeFlags & CredentialFlags) => {
    // Each command's modules load only when it runs: start-up time is a benchmark goal.
    outcome = import("./check.js").then((m) => m.executeProbe(targets, flags, io, deps));
  });

  const verify = program
    .command("verify")
    .description("check a certificate bundle offline, as the server will present it (rollout gate)")
    .argument("<file>", "what the server will present, leaf first: PEM, DER, PKCS#7 (.p7b) or PKCS#12 (.pfx/.p12)")
    .option("--chain <file>", "more certificates the server presents after FILE (repeatable)", collect, [])
    .option("--host <name>", "the host name or IP Tableau connects to")
    .addOption(new Option("--service <service>", "judge as this server presents the file (rserve sends only the first certificate)").choices(["tabpy", "rserve"]))
    .option("--report <file>", "write a self-contained support file (.html for a web page, else JSON)")
    .addHelpText("after", HELP.verify);
  addCheckOptions(verify);
  addOutputOptions(verify);
  verify.action((file: string, flags: CheckFlags & VerifyOnlyFlags) => {
    outcome = import("./verify.js").then((m) => m.executeVerify(file, flags, io, deps));
  });

  const tableau = program
    .command("tableau")
    .description("check every analytics extension connection a Tableau Server has configured, site by site (REST, read-only)")
    .argument("<server-url>", "the Tableau Server, e.g. https://tableau.corp.example (https is assumed)")
    .option("--token-name <name>", "sign in with this personal access token (PAT)")
    .option("--token-secret-env <var>", "environment variable holding the PAT secret (else a no-echo prompt)")
    .option("--user <name>", "sign in with this Tableau user instead of a PAT")
    .option("--password-env <var>", "environment variable holding the user's password (else a no-echo prompt)")
    .option("--site <content-url>", "the site to sign in to (its contentUrl; the default site is \"\")", "")
    .option("--all-sites", "check every site (server administrators only; switches site for each)")
    .option("--tableau-ca-file <file>", "verify the Tableau Server's own certificate against these CA certificates instead of the trust store (repeatable)", collect, [])
    .option("--timeout <ms>", "bound for each REST call, and for connect + handshake + detection per connection", "10000")
    .option("--concurrency <n>", "connections checked at once", "16")
    .option("--report <file>", "write a self-contained support file (.html for a web page, else JSON)")
    .addHelpText("after", HELP.tableau);
  addCheckOptions(tableau);
  addOutputOptions(tableau);
  tableau.action((serverUrl: string, flags: TableauFlags) => {
    outcome = import("./tableau.js").then((m) => m.executeTableau(serverUrl, flags, io, deps));
  });

  program
    .command("exporter")
    .description("serve Prometheus metrics: GET /probe?target=host:port runs one live check (blackbox_exporter's multi-target pattern)")
    .option("--listen <host:port>", "address to listen on (loopback by default; port 0 picks a free one)", "127.0.0.1:9793")
    .option("--ca-file <file>", "trust these CA certificates instead of the system store (repeatable; read once at start-up)", collect, [])
    .option("--partial-chain", "model partial-chain clients: any trusted certificate ends a path")
    .option("--warn-days <n>", "warn when a certificate on the path expires within N days", "30")
    .option("--min-days <n>", "fail when a certificate on the path expires within N days (default: off)")
    .option("--expect-issuer <subject>", "fail unless the leaf's issuer is SUBJECT")
    .option("--expect-fingerprint <sha256>", "fail unless the leaf or a certificate of the path has this SHA-256 (repeatable)", collect, [])
    .option("--timeout <ms>", "longest a probe may take; Prometheus's scrape timeout (less 0.5 s) caps it", "10000")
    .option("--concurrency <n>", "probes at once (up to 4 times as many requests wait; then 503)", "16")
    .addHelpText("after", HELP.exporter)
    .action((flags: ExporterFlags) => {
      outcome = import("./exporter.js").then((m) => m.executeExporter(flags, io, deps));
    });

  program
    .command("demo")
    .description("run a private CA, a TabPy-like and an Rserve-like server on loopback, and diagnose both")
    .option("--no-color", "no colour")
    .option("--format <format>", "text or json", "text")
    .addHelpText("after", HELP.demo)
    .action((flags: { color: boolean; format: string }) => {
      outcome = import("./demo.js").then((m) => m.executeDemo(flags, io, deps));
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return outcome ? await outcome : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help" ? EXIT.ok : EXIT.usage;
    }
    const { message, code } = describeError(err);
    io.stderr(`chaincheck: ${message}\n`);
    return code;
  }
}

