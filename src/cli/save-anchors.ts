/** I/O for `--save-anchors DIR`: writes the advisor's files; never touches a trust store. */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { anchorFiles } from "../advise/save.js";
import type { TargetOs } from "../advise/platforms.js";
import type { ChainResult } from "../result.js";
import type { CliIo } from "./io.js";

export async function saveAnchors(dir: string, results: readonly ChainResult[], io: CliIo): Promise<void> {
  const items = results.flatMap((r) => r.remediation.install);
  const unique = items.filter((item, i) => item.sha256 === null || items.findIndex((x) => x.sha256 === item.sha256) === i);
  const targetOs = (results[0]?.remediation.targetOs ?? "debian") as TargetOs;
  const files = anchorFiles(unique, targetOs);
  if (files.length === 0) {
    io.stderr(`chaincheck: --save-anchors: nothing to save (no certificate to install that chaincheck holds)\n`);
    return;
  }
  await mkdir(dir, { recursive: true });
  for (const file of files) {
    const path = join(dir, file.name);
    await writeFile(path, file.content);
    if (file.executable) await chmod(path, 0o755);
  }
  io.stderr(`chaincheck: wrote ${files.map((f) => f.name).join(", ")} to ${dir}\n`);
}
