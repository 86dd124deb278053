/**
 * Help text shown after commander's option lists (real examples for TabPy, Rserve, the offline
 * rollout check and CI; reports; colour; exit codes), and the one-line form of usage errors.
 */

const EXIT_CODES = `
Exit codes:
  0  every target passed (warnings allowed, unless --fail-on warning)
  1  a target failed: not trusted, or an error finding
  2  usage error or unreadable input (bad option, malformed PEM/DER, missing file)
  3  a target could not be checked (refused, timeout, DNS, not TLS) and none failed`;

const OUTPUT = `
Output:
  text (default)   headline, chain as sent, path to the anchor, findings, what to do, proof
  -q, --quiet      one line per target: target  PASS|WARN|FAIL|ERROR  reason
  -v, --verbose    adds PEM blocks, extensions (basic constraints, key usage, EKU, name
                   constraints, AIA), every SAN and full fingerprints
  --format json    the result document for scripts (schemaVersion 2); junit and sarif for CI;
                   openmetrics for Prometheus (node_exporter's textfile collector)
  --format pem     the certificates only, leaf first (live: as sent; verify: the order a server
                   must load them in), for openssl x509/verify or a server's certificate file
  --report FILE    a support file: FILE.html is a self-contained page, else JSON
  Colour only on a terminal; NO_COLOR=1 or --no-color turn it off, FORCE_COLOR=1 forces it.`;

export const HELP = {
  main: `
Examples:
  chaincheck demo
      See it work: a private CA, a TabPy-like and an Rserve-like server on loopback.
  chaincheck tabpy.corp.example
      Will Tableau trust this TabPy server? (default port 9004, this machine's trust store)
  chaincheck rserve.corp.example:6311 --service rserve --target-os rhel
      Rserve's TLS port (qap.tls.port); install commands for a RHEL Tableau Server.
  chaincheck verify tabpy-fullchain.pem --host tabpy.corp.example --service tabpy --ca-file corp-root.pem
      Offline rollout check of a certificate file before TabPy serves it.
  chaincheck --targets-file fleet.txt --quiet --fail-on warning
      CI or monitoring: one line per target; the exit code says whether all passed.
  chaincheck tableau https://tableau.corp.example --token-name chaincheck --token-secret-env PAT_SECRET --all-sites
      Every analytics extension connection of every site, checked as Tableau will connect.
  chaincheck --targets-file fleet.txt --format openmetrics --output /var/lib/prometheus/node-exporter/chaincheck.prom
      Prometheus through node_exporter's textfile collector (or: chaincheck exporter).
${OUTPUT}
${EXIT_CODES}

Run 'chaincheck <command> --help' for the options of check, verify, tableau, exporter and demo.
`,
  check: `
Examples:
  TabPy on the default port 9004, against this machine's trust store:
    chaincheck tabpy.corp.example
  TabPy by IP address, checked against the name Tableau is configured with and your CA's root:
    chaincheck 10.0.0.5:9004 --servername tabpy.corp.example --ca-file corp-root.pem
  Rserve's TLS port; advice for Tableau Desktop on Windows, install files written to ./anchors:
    chaincheck rserve.corp.example:6311 --service rserve --target-os windows --save-anchors anchors
  A self-contained page for a support ticket (chain as boxes and arrows, findings, advice):
    chaincheck tabpy.corp.example --report tabpy-report.html
  CI or monitoring: one line per target, fail on warnings too:
    chaincheck --targets-file fleet.txt --quiet --fail-on warning
  JSON for a pipeline, with a one-line summary per target on the terminal:
    chaincheck tabpy.corp.example rserve.corp.example:6311 --format json --output report.json
${OUTPUT}
${EXIT_CODES}
`,
  verify: `
Examples:
  Offline rollout check: will Tableau trust TabPy once it serves this file?
    chaincheck verify tabpy-fullchain.pem --host tabpy.corp.example --service tabpy --ca-file corp-root.pem
  Rserve sends only the first certificate of tls.cert; name the intermediates you hold for the advice:
    chaincheck verify rserve.pem --service rserve --host rserve.corp.example --intermediates corp-int.pem
  Will the bundle still pass on a future date (renewal planning)? JSON for a pipeline:
    chaincheck verify new-bundle.pem --host tabpy.corp.example --at 2027-01-01T00:00:00Z --format json
  PKCS#12 file, password from an environment variable (never on the command line):
    chaincheck verify server.pfx --pfx-password-env PFX_PASSWORD --host tabpy.corp.example
${OUTPUT}
${EXIT_CODES}
`,
  tableau: `
Reads the server's configuration (REST API 3.11+, Tableau Server 2021.1 or later; read-only), signs out,
then checks each connection: host and port from Tableau, TABPY as tabpy, RSERVE as rserve, other
types as plain TLS. Text groups by site; JSON carries "site" and "extensionConnection" on each result;
JUnit has one testsuite per site. Secrets only from an environment variable or a no-echo prompt.

Examples:
  Every site (server administrator), with a personal access token:
    chaincheck tableau https://tableau.corp.example --token-name chaincheck --token-secret-env PAT_SECRET --all-sites
  One site as its site administrator, password prompted; install commands for the RHEL Tableau nodes:
    chaincheck tableau tableau.corp.example --site finance --user admin --target-os rhel
  Tableau's own certificate from a private CA; a CI gate with JUnit per site:
    chaincheck tableau https://tableau.corp.example --tableau-ca-file corp-root.pem --token-name ci \\
      --token-secret-env PAT_SECRET --all-sites --min-days 21 --format junit --output tableau.xml
${OUTPUT}
${EXIT_CODES}
  130 interrupted (Ctrl-C; 143 for SIGTERM) after signing out of Tableau
  (Sign-in, permission and version refusals exit 2; an unreachable or failing Tableau REST API exits 3.)
`,
  exporter: `
Prometheus scrapes /probe once per target (relabel the target into the target parameter, as for
blackbox_exporter); /metrics has the exporter's own counters. The trust store and options are fixed at
start-up; a request chooses only target, servername and service. SIGTERM or SIGINT: stop accepting, let
the probes in flight answer, exit 0. Configuration, alert rules and a textfile-collector alternative:
examples/prometheus/.

Examples:
  chaincheck exporter --ca-file corp-root.pem
  curl 'http://127.0.0.1:9793/probe?target=tabpy.corp.example:9004&servername=tabpy.corp.example'
  curl 'http://127.0.0.1:9793/probe?target=rserve.corp.example:6311&service=rserve'
`,
  demo: `
Everything runs on 127.0.0.1 with certificates made in memory; nothing is installed or left behind.
Exits 0 when both diagnoses come out as designed (TabPy trusted; Rserve leaf-only, with advice the
what-if proves), 1 otherwise.

Examples:
  chaincheck demo
  chaincheck demo --format json
`,
} as const;

/**
 * A usage error as one line: `chaincheck: <what>` with commander's suggestion folded in and a hint
 * to the help. `text` is commander's message ("error: unknown option '--x'\n(Did you mean --y?)").
 */
export function formatUsageError(text: string): string {
  const message = text.replace(/^error: /, "").split(/\r?\n/).map((l) => l.trim()).filter(Boolean).join(" ");
  return `chaincheck: ${message}; see 'chaincheck --help'\n`;
}
