#!/usr/bin/env node
"use strict";
/**
 * The installed `chaincheck` command: runs the bundled CLI (dist/bundle/cli.js, built by scripts/bundle.ts) as one
 * `vm.Script` with V8's code cache (bin/code-cache.cjs). CommonJS, because the ES module loader costs start-up time.
 * The bundle is the body of an async function; this file hands it `require` for Node's built-ins, `import()` for
 * the packages it loads lazily from node_modules, and the dist/ URL each bundled module has when compiled by tsc.
 */
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const { pathToFileURL } = require("node:url");
const { debuglog } = require("node:util");
const { openCodeCache } = require("./code-cache.cjs");

const ROOT = path.join(__dirname, "..");
const BUNDLE = path.join(ROOT, "dist", "bundle", "cli.js");
const debug = debuglog("chaincheck");

let source;
try {
  source = fs.readFileSync(BUNDLE, "utf8");
} catch (err) {
  process.stderr.write(`chaincheck: cannot read ${BUNDLE} (${err.code ?? err.message}): the package is not built; run npm run build\n`);
  process.exit(2);
}

const cache = openCodeCache(source);
const script = new vm.Script(source, { filename: BUNDLE, cachedData: cache.data });
// The CLI ends with process.exit(): by then it has compiled what this kind of run needs, which is what to keep.
process.once("exit", () => cache.save(script));

const lazyImport = (specifier) => {
  debug("import %s", specifier);
  return import(specifier);
};
const moduleUrl = (compiled) => pathToFileURL(path.join(ROOT, "dist", compiled)).href;
script.runInThisContext()(require, lazyImport, moduleUrl);
