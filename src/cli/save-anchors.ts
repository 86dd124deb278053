/**
 * I/O for `--save-anchors DIR`: writes the advisor's files; never touches a trust store. Each file
 * is created exclusively, never through a symbolic link; `--force` replaces existing ones.
 */
import { join } from "node:path";
import { anchorFiles } from "../advise/save.js";
import type { TargetOs } from "../advise/platforms.js";
import type { ChainResult } from "../result/verdict.js";
import type { CliIo } from "./io.js";
import { createFileExclusive, makeFolder } from "./write-target.js";

const OPTION = "--save-anchors";

export async function saveAnchors(dir: string, results: readonly ChainResult[], io: CliIo, force = false): Promise<void> {
  const items = results.flatMap((r) => r.remediation.install);
  const unique = items.filter((item, i) => item.sha256 === null || items.findIndex((x) => x.sha256 === item.sha256) === i);
  const targetOs = (results[0]?.remediation.targetOs ?? "debian") as TargetOs;
  const files = anchorFiles(unique, targetOs);
  if (files.length === 0) {
    io.stderr(`chaincheck: ${OPTION}: nothing to save (no certificate to install that chaincheck holds)\n`);
    return;
  }
  await makeFolder(OPTION, dir);
  for (const file of files) {
    await createFileExclusive(OPTION, join(dir, file.name), file.content, { force, mode: file.executable ? 0o755 : 0o644 });
  }
  io.stderr(`chaincheck: wrote ${files.map((f) => f.name).join(", ")} to ${dir}\n`);
}
