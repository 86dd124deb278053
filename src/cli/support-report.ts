/** I/O for `--report FILE`: a self-contained support file (JSON; HTML when FILE ends in .html). No secret is in a result. */
import { writeFile } from "node:fs/promises";
import type { ChainResult } from "../result.js";
import { jsonReport } from "../report/json.js";
import type { CliIo } from "./io.js";
import { VERSION } from "./version.js";

export async function writeSupportReport(path: string, results: readonly ChainResult[], trustStore: string, io: CliIo): Promise<void> {
  const document = {
    ...jsonReport(results, VERSION),
    support: {
      generatedAt: io.now().toISOString(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      trustStore,
    },
  };
  await writeFile(path, `${JSON.stringify(document, null, 2)}\n`);
  io.stderr(`chaincheck: support file written to ${path}\n`);
}
