/** Help text shown after commander's option lists: real examples and the exit codes. */

const EXIT_CODES = `
Exit codes:
  0  every target passed (warnings allowed unless --fail-on warning)
  1  a target failed (not trusted, or an error finding)
  2  usage error or unreadable input (bad option, malformed PEM/DER, missing file)
  3  a target could not be checked (connection refused, timeout, not TLS) and none failed`;

export const HELP = {
  main: `
Examples:
  chaincheck demo                                   see it work: private CA, TabPy-like and Rserve-like servers
  chaincheck tabpy.corp.example:9004                will Tableau trust this TabPy server?
  chaincheck rserve.corp.example:6311 --target-os rhel
  chaincheck verify bundle.pem --host tabpy.corp.example --service tabpy
${EXIT_CODES}
`,
  check: `
Examples:
  chaincheck tabpy.corp.example                     TabPy on the default port 9004
  chaincheck rserve.corp.example:6311 --service rserve --target-os debian
  chaincheck 10.0.0.5:9004 --servername tabpy.corp.example --ca-file corp-root.pem
  chaincheck --targets-file fleet.txt --format json --output report.json
${EXIT_CODES}
`,
  verify: `
Examples:
  chaincheck verify tabpy-fullchain.pem --host tabpy.corp.example --service tabpy
  chaincheck verify rserve.pem --service rserve --host rserve.corp.example --intermediates corp-int.pem
  chaincheck verify server.pfx --pfx-password-env PFX_PASSWORD --host tabpy.corp.example
  chaincheck verify new-bundle.pem --host tabpy.corp.example --ca-file corp-root.pem --at 2027-01-01T00:00:00Z --format json
${EXIT_CODES}
`,
} as const;
