/** I/O: which platform's install commands to print when `--target-os auto`. */
import { readFileSync } from "node:fs";
import { platformFromOsRelease, type TargetOs } from "./platforms.js";

/** This host's platform: /etc/os-release on Linux, else Windows or macOS; Debian when unknown. */
export function detectTargetOs(platform: NodeJS.Platform = process.platform, readOsRelease = () => readFileSync("/etc/os-release", "utf8")): TargetOs {
  if (platform === "win32") return "windows";
  if (platform === "darwin") return "macos";
  try {
    return platformFromOsRelease(readOsRelease()) ?? "debian";
  } catch {
    return "debian";
  }
}
