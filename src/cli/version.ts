/** The package version, read once from package.json (dist/src/cli -> package root). */
import { createRequire } from "node:module";

export const VERSION: string = (createRequire(import.meta.url)("../../../package.json") as { version: string }).version;
