/**
 * Where a client machine keeps its trusted certificates and how to add one: platform knowledge as
 * data, one entry per OS family (mkcert's truststore_*.go, Go's root_linux.go).
 */

export type TargetOs = "rhel" | "debian" | "suse" | "alpine" | "windows" | "macos";

export const TARGET_OSES: readonly TargetOs[] = ["rhel", "debian", "suse", "alpine", "windows", "macos"];

export interface Platform {
  readonly id: TargetOs;
  readonly label: string;
  /** File extension the store requires (Debian's update-ca-certificates ignores files not named *.crt). */
  readonly extension: ".crt" | ".pem";
  /** Commands that install `file` in the role given; `{file}` is replaced by the file name. */
  readonly installRoot: readonly string[];
  readonly installIntermediate: readonly string[];
  /**
   * Put before an intermediate's command when its SHA-256 is known (`{sha256}`), so that pasting the commands twice
   * does not fail: macOS `security add-certificates` exits 1 on a certificate the keychain holds already.
   */
  readonly unlessHeld?: string;
  /** Run once after all files are in place. */
  readonly refresh: readonly string[];
  /** Printed after the commands: privileges, prompts to expect, the alternative. */
  readonly notes: readonly string[];
  /** What the OS's own verifier accepts beyond the strict model; printed when intermediates are to be installed. */
  readonly verifier?: string;
  /** How to make Tableau pick up the change. */
  readonly restart: string;
  /** Shell the commands are written for, and the script `--save-anchors` writes for it. */
  readonly shell: "sh" | "cmd";
  readonly script: "install-anchors.sh" | "install-anchors.cmd";
  /** Who runs the script (its header says so). */
  readonly runAs: string;
}

// Tableau reads the store at start-up only.
const LINUX_RESTART = "Restart Tableau: `tsm restart` on Tableau Server (a machine restart is safest); reopen Desktop.";

const SUDO_USER = "a user allowed to use sudo";

function linuxPlatform(id: TargetOs, label: string, dir: string, extension: ".crt" | ".pem", refresh: string, sudo = true): Platform {
  const as = (command: string): string => (sudo ? `sudo ${command}` : command);
  const copy = [as(`cp {file} ${dir}`)];
  return {
    id, label, extension, installRoot: copy, installIntermediate: copy, refresh: [as(refresh)], restart: LINUX_RESTART, shell: "sh", script: "install-anchors.sh",
    notes: sudo ? [] : ["Alpine has no sudo by default: run these as root (or prefix them with doas)."],
    runAs: sudo ? SUDO_USER : "root (Alpine has no sudo by default; or run it with doas)",
  };
}

/**
 * What the OS's own verifier does beyond the strict model (Windows CryptoAPI, macOS trustd): it
 * builds from held intermediates, downloads a missing issuer by AIA and accepts an installed
 * intermediate as an anchor. The advice still names the set that works for every client.
 */
function osVerifierNote(verifier: string, heldStore: string, asAnchor: string): string {
  return `${verifier} also completes a chain from the ${heldStore}, downloads a missing intermediate from the leaf's AIA caIssuers URL, and accepts an intermediate ${asAnchor} as an anchor: for it the root alone (when the intermediate can be downloaded) or the intermediate alone ${asAnchor} can be enough. The set above works for every client, OpenSSL-based ones included.`;
}

export const PLATFORMS: Readonly<Record<TargetOs, Platform>> = {
  // RHEL, CentOS, Rocky, AlmaLinux, Fedora, Amazon Linux, Oracle Linux.
  rhel: linuxPlatform("rhel", "RHEL / CentOS / Rocky / Fedora / Amazon Linux", "/etc/pki/ca-trust/source/anchors/", ".pem", "update-ca-trust"),
  // Debian, Ubuntu: PEM content, but the file name must end in .crt.
  debian: linuxPlatform("debian", "Debian / Ubuntu", "/usr/local/share/ca-certificates/", ".crt", "update-ca-certificates"),
  suse: linuxPlatform("suse", "SUSE / openSUSE", "/etc/pki/trust/anchors/", ".pem", "update-ca-certificates"),
  // Alpine: the Debian layout, and no sudo in a default install (root, or doas).
  alpine: linuxPlatform("alpine", "Alpine Linux", "/usr/local/share/ca-certificates/", ".crt", "update-ca-certificates", false),
  // Windows: the LocalMachine stores (Tableau Server runs as a service); certutil ships with every Windows.
  windows: {
    id: "windows",
    label: "Windows, Tableau Desktop or Server",
    extension: ".crt",
    installRoot: ["certutil -addstore -f Root {file}"],
    installIntermediate: ["certutil -addstore -f CA {file}"],
    refresh: [],
    notes: [
      "Run them from an elevated (Administrator) Command Prompt: they add to the LocalMachine stores, which Tableau Server's service account uses.",
      "PowerShell alternative (elevated): Import-Certificate -FilePath FILE -CertStoreLocation Cert:\\LocalMachine\\Root for a root, Cert:\\LocalMachine\\CA for an intermediate.",
    ],
    verifier: osVerifierNote("Windows' own verifier (CryptoAPI)", "CA store", "placed in Root"),
    restart: "Restart Tableau so it reloads the store: on Tableau Server for Windows run `tsm restart` (elevated); quit and reopen Tableau Desktop.",
    shell: "cmd",
    script: "install-anchors.cmd",
    runAs: "an administrator, from an elevated Command Prompt",
  },
  // macOS: the System keychain; a root gets an admin "Always Trust" setting, an intermediate is only added.
  macos: {
    id: "macos",
    label: "macOS, Tableau Desktop",
    extension: ".pem",
    installRoot: ["sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain {file}"],
    installIntermediate: ["sudo security add-certificates -k /Library/Keychains/System.keychain {file}"],
    // add-trusted-cert needs no guard: it takes a certificate already in the keychain as fine and (re)sets its trust
    // (Apple's security tool, trusted_cert_add.c); add-certificates fails ("already in ..."). find-certificate -Z
    // prints each certificate's "SHA-256 hash:" in upper case, hence grep -i.
    unlessHeld: "security find-certificate -a -Z /Library/Keychains/System.keychain | grep -qi 'SHA-256 hash: {sha256}' || ",
    refresh: [],
    notes: [
      "macOS 11 and later ask an administrator to confirm add-trusted-cert in a dialog (sudo alone is not enough, and over SSH without a logged-in session it fails): run it in Terminal on the Mac, or deploy the root with an MDM configuration profile.",
    ],
    verifier: osVerifierNote("macOS's own verifier", "System keychain", "marked \"Always Trust\""),
    restart: "Quit and reopen Tableau Desktop.",
    shell: "sh",
    script: "install-anchors.sh",
    runAs: "an administrator (sudo; macOS also asks for confirmation in a dialog)",
  },
};

/**
 * The commands that install one certificate (`file`: its name as the commands should say it), each template's
 * `{file}` replaced, and an intermediate whose SHA-256 is known guarded by `unlessHeld`.
 */
export function installCommands(platform: Platform, item: { readonly role: string; readonly sha256: string | null }, file: string): string[] {
  const intermediate = item.role === "intermediate";
  const guard = intermediate && item.sha256 && platform.unlessHeld ? platform.unlessHeld.replace("{sha256}", item.sha256) : "";
  return (intermediate ? platform.installIntermediate : platform.installRoot).map((t) => `${guard}${t.replace("{file}", file)}`);
}

/** Maps /etc/os-release ID and ID_LIKE values to a platform; null when unknown. */
export function platformFromOsRelease(text: string): TargetOs | null {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z_]+)=("?)(.*)\2$/.exec(line.trim());
    if (m) fields.set(m[1]!, m[3]!.toLowerCase());
  }
  const ids = [fields.get("ID") ?? "", ...(fields.get("ID_LIKE") ?? "").split(/\s+/)];
  const table: [RegExp, TargetOs][] = [
    [/^(rhel|centos|fedora|rocky|almalinux|amzn|ol)$/, "rhel"],
    [/^(debian|ubuntu)$/, "debian"],
    [/^(sles|sled|suse|opensuse.*)$/, "suse"],
    [/^alpine$/, "alpine"],
  ];
  for (const id of ids) for (const [re, os] of table) if (re.test(id)) return os;
  return null;
}

/** The machine `--target-os auto` looks at: its platform and its /etc/os-release (throws when absent). */
export interface OsHost {
  readonly platform: NodeJS.Platform;
  readonly readOsRelease: () => string;
}

/** `--target-os auto`: Windows or macOS from the platform; on Linux the family in /etc/os-release; Debian when unknown. */
export function detectTargetOs(host: OsHost): TargetOs {
  if (host.platform === "win32") return "windows";
  if (host.platform === "darwin") return "macos";
  try {
    return platformFromOsRelease(host.readOsRelease()) ?? "debian";
  } catch {
    return "debian";
  }
}
