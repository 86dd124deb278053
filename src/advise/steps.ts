/** The advisor's words: install steps per platform and the server-side alternative per service. */
import type { ChainKind, InstallItem, Service } from "../types.js";
import type { Platform } from "./platforms.js";

/** A file name from the certificate's subject CN and a short fingerprint, with the extension the store needs. */
export function anchorFileName(item: InstallItem, extension: string): string {
  const cn = /(?:^|,\s*)CN=((?:\\.|[^,])*)/.exec(item.subject)?.[1] ?? item.subject;
  const stem = cn.toLowerCase().replace(/\\./g, "").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 48) || "certificate";
  return item.sha256 ? `${stem}-${item.sha256.slice(0, 8)}${extension}` : `${stem}${extension}`;
}

function describe(item: InstallItem): string {
  return `the ${item.role} "${item.subject}"${item.sha256 ? ` (SHA-256 ${item.sha256})` : ""}`;
}

export function installSteps(
  install: readonly InstallItem[], partial: readonly InstallItem[], platform: Platform, inputWasDer: boolean, chainKind: ChainKind,
): string[] {
  if (install.length === 0) return [];
  const steps: string[] = [];
  for (const item of install.filter((i) => i.pem === null)) {
    steps.push(
      `Obtain ${describe(item)}${item.keyId ? ` with key id ${item.keyId}` : ""} from ${item.obtainFrom ?? "your CA administrator"}.` +
        (item.role === "intermediate" ? " If it is not self-signed, you also need the root above it." : ""),
    );
  }
  if (inputWasDer) {
    steps.push("The certificates came as DER; the store needs PEM. Convert each with: openssl x509 -inform der -in cert.der -out cert.pem");
  }
  const files = install.map((item) => ({ item, file: anchorFileName(item, platform.extension) }));
  for (const { item, file } of files.filter((f) => f.item.pem !== null)) {
    steps.push(`Save ${describe(item)} as ${file} (PEM; written by --save-anchors DIR; shown by --verbose and in --report FILE.html).`);
  }
  steps.push(`On the Tableau machine (${platform.label}), install ${install.length > 1 ? "them in this order" : "it"}:`);
  for (const { item, file } of files) {
    const commands = item.role === "intermediate" ? platform.installIntermediate : platform.installRoot;
    for (const command of commands) steps.push(`  ${command.replace("{file}", file)}`);
  }
  for (const command of platform.refresh) steps.push(`  ${command}`);
  steps.push(...platform.notes);
  if (platform.verifier && install.some((i) => i.role === "intermediate")) steps.push(platform.verifier);
  steps.push(platform.restart);
  if (chainKind === "leaf-only") {
    steps.push("The server sends only its leaf: the client needs every intermediate and the root. Trusting the leaf or an intermediate alone works only for partial-chain clients (curl, Go, Java, GnuTLS), not for OpenSSL's default, Node or Python.");
  }
  if (partial.length > 0) {
    steps.push(`Partial-chain clients only: installing ${partial.map(describe).join(", ")} alone would be enough for them; the full set above works for every client.`);
  }
  return steps;
}

/** Make the server send its intermediates instead of installing them on every client. */
export function serverSideSteps(service: Service | null): string[] {
  if (service === "rserve") {
    return [
      "Server-side alternative (Rserve): tls.cert sends only its first certificate. Add `tls.ca FILE` to Rserv.conf, where FILE holds the intermediates and the root (PEM), so Rserve sends the whole chain; then restart Rserve. Clients still need the root installed.",
    ];
  }
  if (service === "tabpy") {
    return [
      "Server-side alternative (TabPy): put the leaf followed by its intermediates (PEM) in the file named by TABPY_CERTIFICATE_FILE, then restart TabPy. Clients still need the root installed.",
    ];
  }
  return [
    "Server-side alternative: configure the server to send its certificate followed by the intermediates (TabPy: TABPY_CERTIFICATE_FILE holds leaf + intermediates; Rserve: add `tls.ca FILE` with intermediates + root to Rserv.conf), then restart it. Clients still need the root installed.",
  ];
}
