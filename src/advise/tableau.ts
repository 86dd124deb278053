/** The Tableau side of the setup, from what was detected (pure data; src/words/report.ts says it). */
import type { ChainVerdict } from "../result/verdict.js";

export interface TableauSetup {
  /** What to pick in Tableau: "TabPy/External API" or "RServe". */
  readonly connectionType: "TabPy/External API" | "RServe";
  /** The host to enter: the name checked, when the certificate is valid for it, else its first DNS name. */
  readonly host: string;
  readonly port: number;
  readonly requireSsl: true;
  /** "Sign in with username and password": on when TabPy requires it or a user was tested. */
  readonly signIn: boolean;
  readonly username: string | null;
  /** Names the certificate is valid for: the host configured in Tableau must be one of them. */
  readonly validNames: readonly string[];
}

export function tableauSetup(result: ChainVerdict, port: number, username: string | null): TableauSetup | null {
  if (result.service !== "tabpy" && result.service !== "rserve") return null;
  const leaf = result.presented[0];
  const validNames = (leaf?.subjectAltNames ?? []).filter((n) => n.startsWith("DNS:") || n.startsWith("IP:")).map((n) => n.slice(n.indexOf(":") + 1));
  const hostOk = !result.findings.some((f) => f.code === "HOSTNAME_MISMATCH");
  const host = hostOk && result.host ? result.host : validNames.find((n) => !n.startsWith("*")) ?? result.host ?? "";
  const signIn = username !== null || result.findings.some((f) => f.code === "AUTH_REQUIRED" || f.code === "AUTH_OK" || f.code === "AUTH_FAILED");
  return {
    connectionType: result.service === "tabpy" ? "TabPy/External API" : "RServe",
    host, port, requireSsl: true, signIn, username, validNames,
  };
}
