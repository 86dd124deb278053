/**
 * Builds the CLI as one script for bin/chaincheck.cjs (`npm run build` runs it after tsc):
 * `node dist/scripts/bundle.js [ENTRY]` bundles ENTRY (default `src/cli/main.ts`, the only place to change when the
 * CLI's entry moves) with esbuild into dist/bundle/cli.js.
 *
 * Why a script and not a module: Node 20 can keep V8's compiled code only for code it compiles through `vm.Script`
 * (`cachedData`), and a script has no `import`. So the bundle is ESM turned into the body of one async function,
 * `(async function (__chaincheckRequire, __chaincheckImport, __chaincheckModuleUrl) { ... })`, that the loader calls:
 *   - Node built-ins become `__chaincheckRequire("node:x")` (the loader's `require`);
 *   - the heavy, rarely used packages (LAZY) stay in node_modules and load through `__chaincheckImport` (the
 *     loader's `import()`) when first used; the build fails if one would load at every start (reached from the entry
 *     by static imports only), so they stay lazy;
 *   - `import.meta.url` becomes the URL the module has when compiled by tsc (dist/src/...), so paths relative to it
 *     (package.json for the version) stay right.
 * Small packages needed at every start (commander, picocolors) are bundled in.
 */
import { build, type Metafile, type Plugin } from "esbuild";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..", "..");
/** The CLI's entry point (the lead repoints this line, or passes the path as the first argument). */
const DEFAULT_ENTRY = "src/cli/main.ts";
export const BUNDLE = "dist/bundle/cli.js";

/** Loaded only when a command needs them (@peculiar/x509 and reflect-metadata: the demo's certificates; ora: TTY progress). */
const LAZY = ["reflect-metadata", "@peculiar/x509", "ora"] as const;

const BANNER = "(async function (__chaincheckRequire, __chaincheckImport, __chaincheckModuleUrl) {\n\"use strict\";";
const FOOTER = "})";

const lazyPackage = (spec: string) => LAZY.find((p) => spec === p || spec.startsWith(`${p}/`));
const identifier = /^[A-Za-z_$][\w$]*$/;

/** `export { e0 as "name", ... }` of every export the package has, read from the package itself at build time. */
async function lazyModule(spec: string): Promise<string> {
  // @peculiar/x509 throws at load unless reflect-metadata ran first; esbuild loads the two in either order.
  if (spec.startsWith("@peculiar/x509")) await import("reflect-metadata");
  const ns = (await import(spec)) as Record<string, unknown>;
  const names = Object.keys(ns);
  const bindings = names.map((name, i) => `const e${i} = ns[${JSON.stringify(name)}];`);
  const list = names.map((name, i) => `e${i} as ${identifier.test(name) ? name : JSON.stringify(name)}`);
  return [`const ns = await __chaincheckImport(${JSON.stringify(spec)});`, ...bindings, `export { ${list.join(", ")} };`].join("\n");
}

/**
 * A built-in as a CommonJS module whose exports are getters: Node loads it on the first use of one of them, not
 * when a bundled module that imports it starts (commander's child_process, crypto: ~3-5 ms each when not needed).
 * The names are this Node's (>= engines.node, so every name the code uses); others read as undefined.
 */
function builtinModule(name: string): string {
  const names = Object.keys(createRequire(import.meta.url)(name) as object);
  return [
    `let real;`,
    `const load = () => (real ??= __chaincheckRequire(${JSON.stringify(name)}));`,
    `for (const name of ${JSON.stringify(names)}) Object.defineProperty(module.exports, name, { enumerable: true, get: () => load()[name] });`,
  ].join("\n");
}

const scriptPlugin: Plugin = {
  name: "chaincheck-script",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (isBuiltin(args.path)) return { path: args.path.startsWith("node:") ? args.path : `node:${args.path}`, namespace: "builtin" };
      if (lazyPackage(args.path)) return { path: args.path, namespace: "lazy" };
      return undefined;
    });
    b.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => ({ contents: builtinModule(args.path), loader: "js" }));
    b.onLoad({ filter: /.*/, namespace: "lazy" }, async (args) => ({ contents: await lazyModule(args.path), loader: "js" }));
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes("import.meta")) return undefined;
      const compiled = relative(ROOT, args.path).replace(/\.ts$/, ".js");
      const contents = source.replaceAll("import.meta.url", `__chaincheckModuleUrl(${JSON.stringify(compiled)})`);
      if (contents.includes("import.meta")) throw new Error(`${args.path}: only import.meta.url is supported in the bundle`);
      return { contents, loader: "ts" };
    });
  },
};

/**
 * What every start loads: the entry, the modules it imports itself (main.ts imports its two modules dynamically,
 * only to enable Node's compile cache first), and everything they reach through static imports.
 */
function eagerInputs(meta: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry, ...(meta.inputs[entry]?.imports ?? []).map((i) => i.path)];
  while (queue.length > 0) {
    const at = queue.pop()!;
    if (seen.has(at)) continue;
    seen.add(at);
    for (const imp of meta.inputs[at]?.imports ?? []) if (imp.kind !== "dynamic-import") queue.push(imp.path);
  }
  return seen;
}

export async function bundle(entry = DEFAULT_ENTRY): Promise<{ bytes: number; eager: number; inputs: number }> {
  const outfile = join(ROOT, BUNDLE);
  mkdirSync(dirname(outfile), { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20.19",
    write: false,
    outfile,
    metafile: true,
    legalComments: "none",
    // Whitespace only (-25% to read, hash and scan); names stay, so no output can change.
    minifyWhitespace: true,
    banner: { js: BANNER },
    footer: { js: FOOTER },
    plugins: [scriptPlugin],
    logLevel: "warning",
  });
  const output = result.outputFiles[0]!;
  const meta = result.metafile.outputs[relative(ROOT, outfile)];
  // A static import or an export left in the output would make the script invalid: refuse it here, not at run time.
  if (meta && (meta.imports.length > 0 || meta.exports.length > 0)) {
    throw new Error(`the bundle would keep imports/exports: ${JSON.stringify([...meta.imports.map((i) => i.path), ...meta.exports])}`);
  }
  if (output.text.includes("var __require =")) throw new Error("the bundle has a dynamic require(); every require must resolve at build time");
  const eager = eagerInputs(result.metafile, entry);
  const lazyAtStart = [...eager].filter((p) => p.startsWith("lazy:"));
  if (lazyAtStart.length > 0) throw new Error(`loaded at every start, import dynamically instead: ${lazyAtStart.join(", ")}`);
  writeFileSync(outfile, output.contents);
  return { bytes: output.contents.length, eager: eager.size, inputs: Object.keys(result.metafile.inputs).length };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.dirname, "bundle.js")) {
  bundle(process.argv[2]).then(
    (r) => process.stdout.write(`${BUNDLE}: ${(r.bytes / 1024).toFixed(0)} KiB, ${r.inputs} modules (${r.eager} loaded at every start)\n`),
    (err: unknown) => {
      process.stderr.write(`bundle failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
