/**
 * The layers of chaincheck (docs/ARCHITECTURE.md), checked on the compiled output by test/architecture.test.ts
 * (part of `npm test`; by hand: `npx depcruise dist/src --config .dependency-cruiser.cjs`).
 *
 *   cli   parses flags and prints             -> app, core (and the terminal prompt)
 *   app   one file per command: orchestration -> edges, core
 *   edge  I/O: network, files, processes      -> core
 *   core  pure: parsing, validation, findings, advice, words, reports
 *
 * Paths are matched anywhere below a `src/` folder, so the rules read the same on dist/src and on test fixtures.
 */

/** Modules that do I/O: network, files, child processes, the terminal. */
const EDGE = [
  "src/probe/(?!types\\.js$|target\\.js$|classify\\.js$|tls-wire\\.js$|tls13-keys\\.js$|wire-chain\\.js$|oversized\\.js$|service-parse\\.js$|credentials-gate\\.js$)[^/]+$",
  "src/proof/(?!server-flight\\.js$)[^/]+$",
  "src/aia/",
  "src/input/(read|prompt)\\.js$",
  "src/trust/(system|host)\\.js$",
  "src/tableau/http\\.js$",
  "src/exporter/server\\.js$",
  "src/demo/servers\\.js$",
].join("|");

/** The pure core: everything that is neither an edge nor orchestration nor the command line. */
const CORE = "src/(asn1|cert|findings|validate|words|result|policy|report|advise|input|trust|tableau|exporter|probe|proof|pki|demo)/|src/types\\.js$";

/** Node's modules that reach outside the process: files, network, processes, the terminal. */
const IO_BUILTINS = "^(fs|fs/promises|net|tls|http|https|http2|dgram|dns|dns/promises|child_process|cluster|readline|tty|worker_threads|inspector)$";

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "A cycle means two modules are one: merge them, or move what both need below them.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "core-does-no-io",
      comment: "The core is pure (parsing, validation, findings, advice, words, reports): I/O belongs to an edge.",
      severity: "error",
      from: { path: CORE, pathNot: EDGE },
      to: { dependencyTypes: ["core"], path: IO_BUILTINS },
    },
    {
      name: "core-uses-no-edge",
      comment: "The core never calls an edge; src/app passes what an edge read or fetched as data.",
      severity: "error",
      from: { path: CORE, pathNot: EDGE },
      to: { path: EDGE },
    },
    {
      name: "below-app",
      comment: "Orchestration (src/app) and the command line (src/cli) sit on top: nothing below imports them.",
      severity: "error",
      from: { path: `${CORE}|${EDGE}` },
      to: { path: "src/(app|cli)/" },
    },
    {
      name: "app-below-cli",
      comment: "src/app serves the CLI, the library and the exporter: it never reaches back into src/cli.",
      severity: "error",
      from: { path: "src/app/" },
      to: { path: "src/cli/" },
    },
    {
      name: "cli-through-app",
      comment: "The CLI parses flags and prints: every other edge is reached through src/app (the terminal prompt excepted).",
      severity: "error",
      from: { path: "src/cli/" },
      to: { path: EDGE, pathNot: "src/input/prompt\\.js$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.d\\.ts$|\\.map$" },
    // Type-only imports vanish from the compiled output: what is checked is what runs.
    moduleSystems: ["es6"],
  },
};
