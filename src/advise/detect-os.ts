/** `--target-os auto`: which platform's install commands to print. Inputs injected; defaults read this host. */
import { readFileSync } from "node:fs";
import type { HostAccess } from "../trust/os-stores.js";
import { platformFromOsRelease, type TargetOs } from "./platforms.js";

/** Windows or macOS from the platform; on Linux the family in /etc/os-release; Debian when unknown. */
export function detectTargetOs(host: Partial<Pick<HostAccess, "platform" | "readOsRelease">> = {}): TargetOs {
  const platform = host.platform ?? process.platform;
  if (platform === "win32") return "windows";
  if (platform === "darwin") return "macos";
  try {
    return platformFromOsRelease((host.readOsRelease ?? (() => readFileSync("/etc/os-release", "utf8")))()) ?? "debian";
  } catch {
    return "debian";
  }
}
