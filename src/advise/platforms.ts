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
  /** Run once after all files are in place. */
  readonly refresh: readonly string[];
  /** How to make Tableau pick up the change. */
  readonly restart: string;
  /** Shell the commands are written for: scripts are generated only for "sh". */
  readonly shell: "sh" | "cmd";
}

const LINUX_RESTART =
  "Restart Tableau so it reloads the store: on Tableau Server run `tsm restart` (a machine restart is the safest choice on Linux); quit and reopen Tableau Desktop.";

function linuxPlatform(id: TargetOs, label: string, dir: string, extension: ".crt" | ".pem", refresh: string): Platform {
  const copy = [`sudo cp {file} ${dir}`];
  return { id, label, extension, installRoot: copy, installIntermediate: copy, refresh: [refresh], restart: LINUX_RESTART, shell: "sh" };
}

export const PLATFORMS: Readonly<Record<TargetOs, Platform>> = {
  // RHEL, CentOS, Rocky, AlmaLinux, Fedora, Amazon Linux, Oracle Linux.
  rhel: linuxPlatform("rhel", "RHEL / CentOS / Rocky / Fedora / Amazon Linux", "/etc/pki/ca-trust/source/anchors/", ".pem", "sudo update-ca-trust"),
  // Debian, Ubuntu: PEM content, but the file name must end in .crt.
  debian: linuxPlatform("debian", "Debian / Ubuntu", "/usr/local/share/ca-certificates/", ".crt", "sudo update-ca-certificates"),
  suse: linuxPlatform("suse", "SUSE / openSUSE", "/etc/pki/trust/anchors/", ".pem", "sudo update-ca-certificates"),
  alpine: linuxPlatform("alpine", "Alpine Linux", "/usr/local/share/ca-certificates/", ".crt", "sudo update-ca-certificates"),
  windows: {
    id: "windows",
    label: "Windows, Tableau Desktop or Server",
    extension: ".crt",
    installRoot: ["certutil -addstore -f Root {file}"],
    installIntermediate: ["certutil -addstore -f CA {file}"],
    refresh: [],
    restart: "Run the commands from an elevated (Administrator) prompt, then restart Tableau (Tableau Server: `tsm restart`; Desktop: quit and reopen).",
    shell: "cmd",
  },
  macos: {
    id: "macos",
    label: "macOS, Tableau Desktop",
    extension: ".pem",
    installRoot: ["sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain {file}"],
    installIntermediate: ["sudo security add-trusted-cert -d -k /Library/Keychains/System.keychain {file}"],
    refresh: [],
    restart: "Quit and reopen Tableau Desktop.",
    shell: "sh",
  },
};

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
