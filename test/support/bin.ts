/**
 * The `chaincheck` executable as installed (package.json "bin"): the loader that runs the bundled CLI
 * (dist/bundle/cli.js) with V8's code cache. Tests that spawn the CLI run this, so they test what users run.
 */
export const CHAINCHECK_BIN = new URL("../../../bin/chaincheck.cjs", import.meta.url).pathname;
