/**
 * Where Windows and macOS keep the certificates their TLS verifiers use, and the commands that read
 * them on a machine without a compiler: platform knowledge as data, one entry per OS (Go's
 * root_windows.go / root_darwin.go, mkcert's truststore_*.go). Linux and other Unix systems keep
 * theirs in files (src/trust/system.ts). Pure: types, data and string helpers only.
 */

/** An argument that the runner replaces by the name of a fresh temporary file (for commands that write files). */
export const OUTPUT_FILE = "{output}";

/** One OS command. Every command is bounded: a timeout and a cap on what it may print. */
export interface OsCommand {
  /** Absolute program path; `%Name%` parts are Windows environment variables (`%SystemRoot%`). */
  readonly file: string;
  readonly args: readonly string[];
  /** Where the result is: what it prints, or the file it writes to {@link OUTPUT_FILE}. */
  readonly output: "stdout" | "file";
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** How messages name the arguments when they are too long to print (a script). */
  readonly summary?: string;
}

/** What running a command gave: its exit code and output, or why it did not run to the end. */
export type CommandOutcome =
  | { readonly ok: true; readonly exitCode: number; readonly output: string; readonly stderr: string }
  | { readonly ok: false; readonly reason: string };

export type RunCommand = (command: OsCommand) => Promise<CommandOutcome>;

/** Everything the OS trust-store loader and `--target-os auto` read from this machine; injected in tests. */
export interface HostAccess {
  readonly platform: NodeJS.Platform;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Runs an {@link OsCommand} within its bounds (src/trust/host.ts). */
  readonly run: RunCommand;
  /** /etc/os-release, for the Linux distribution (throws when absent). */
  readonly readOsRelease: () => string;
}

/** One store that was read, and what its certificates became. */
export interface StorePart {
  readonly name: string;
  readonly role: "anchors" | "intermediates";
  readonly count: number;
}

/** The store a run used, for reports (`text`) and tests (the parts). */
export interface StoreDescription {
  /** Which loader: the OS store of Windows or macOS, the files of a Linux/Unix store, or `--ca-file`s. */
  readonly kind: "windows" | "macos" | "unix" | "ca-file";
  /** One line, e.g. "Windows LocalMachine Root (58 certificates) + CA (21)". */
  readonly text: string;
  readonly parts: readonly StorePart[];
  /** Certificates left out because the OS marks them distrusted (Windows Disallowed, macOS "Never Trust"). */
  readonly excluded: number;
  /** The program that read it, or "files". */
  readonly reader: string;
}

/** An OS store as chaincheck uses it: anchors end a path; intermediates are held (never presented, never anchors). */
export interface OsStoreResult {
  readonly anchors: readonly Uint8Array[];
  readonly intermediates: readonly Uint8Array[];
  readonly description: StoreDescription;
  /** What the loader noticed, one line each (e.g. trust settings for certificates in no keychain read). */
  readonly notes: readonly string[];
}

const MIB = 1024 * 1024;

/**
 * Windows: the LocalMachine stores (Tableau Server runs as a service, so the machine's view, not a
 * user's): Root holds the anchors, CA the intermediates CryptoAPI builds chains from, and Disallowed
 * the certificates it refuses whatever other store holds them. Read through PowerShell's Cert: drive
 * (X509Certificate2.RawData): `certutil -store` lists certificates without their encoding.
 */
export const WINDOWS = {
  label: "Windows LocalMachine",
  stores: { anchors: "Root", intermediates: "CA", distrusted: "Disallowed" },
  /** Printed after the last certificate, so a cut-short listing is detected. */
  endMarker: "END",
  script:
    "$ErrorActionPreference='Stop'; foreach ($s in 'Root','CA','Disallowed') { foreach ($c in Get-ChildItem -LiteralPath ('Cert:\\LocalMachine\\' + $s)) { $s + ' ' + [Convert]::ToBase64String($c.RawData) } }; 'END'",
  /** Tried in order: Windows PowerShell 5.1 ships with every Windows Tableau supports; PowerShell 7 where 5.1 is removed or blocked. */
  shells: ["%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "%ProgramFiles%\\PowerShell\\7\\pwsh.exe"],
} as const;

/** The PowerShell commands that list the Windows stores, one per shell in {@link WINDOWS.shells}. */
export const WINDOWS_READERS: readonly OsCommand[] = WINDOWS.shells.map((file) => ({
  file,
  args: ["-NoLogo", "-NoProfile", "-NonInteractive", "-Command", WINDOWS.script],
  output: "stdout" as const,
  summary: "-Command (lists Cert:\\LocalMachine\\Root, CA and Disallowed)",
  // A cold PowerShell start takes seconds on a busy server.
  timeoutMs: 30_000,
  maxBytes: 32 * MIB,
}));

/**
 * macOS: the System Roots keychain (Apple's roots, trusted unless an admin says otherwise), the System
 * keychain (certificates an admin installed: anchors when an admin trust setting says "Always Trust",
 * otherwise intermediates the verifier builds chains from) and the admin trust settings. The user's
 * login keychain and user-domain settings are a person's, not the machine's: not read.
 */
export const MACOS = {
  label: "macOS",
  systemRoots: "/System/Library/Keychains/SystemRootCertificates.keychain",
  systemKeychain: "/Library/Keychains/System.keychain",
  /** What `security trust-settings-export -d` prints to stderr (exit 1) when no admin trust setting exists. */
  noAdminSettings: /No Trust Settings were found/,
} as const;

const SECURITY = "/usr/bin/security";

export const MACOS_READERS = {
  systemRoots: { file: SECURITY, args: ["find-certificate", "-a", "-p", MACOS.systemRoots], output: "stdout", timeoutMs: 15_000, maxBytes: 32 * MIB },
  systemKeychain: { file: SECURITY, args: ["find-certificate", "-a", "-p", MACOS.systemKeychain], output: "stdout", timeoutMs: 15_000, maxBytes: 32 * MIB },
  adminTrust: { file: SECURITY, args: ["trust-settings-export", "-d", OUTPUT_FILE], output: "file", timeoutMs: 15_000, maxBytes: 8 * MIB },
} as const satisfies Record<string, OsCommand>;

/** `%SystemRoot%` and friends from the environment (Windows names are case-insensitive); unknown names stay. */
export function expandWindowsPath(file: string, env: Readonly<Record<string, string | undefined>>): string {
  const byName = new Map(Object.entries(env).map(([k, v]) => [k.toLowerCase(), v]));
  return file.replace(/%([A-Za-z0-9_()]+)%/g, (whole, name: string) => byName.get(name.toLowerCase()) ?? FALLBACKS[name.toLowerCase()] ?? whole);
}

/** Defaults when the variable is missing (a scrubbed environment): where Windows installs them. */
const FALLBACKS: Readonly<Record<string, string>> = { systemroot: "C:\\Windows", programfiles: "C:\\Program Files" };

/** A command as named in messages: the program and its arguments (or their summary). */
export function commandName(command: OsCommand, env: Readonly<Record<string, string | undefined>>): string {
  return `${expandWindowsPath(command.file, env)} ${command.summary ?? command.args.join(" ")}`;
}

/** The first line of a command's error output, trimmed and without control characters, for a one-line message. */
export function firstLine(text: string): string {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== "") ?? "";
  const clean = line.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return clean.length > 160 ? `${clean.slice(0, 157)}...` : clean;
}

/** Why a command's result is unusable, for the error message ("exit code 1: Access is denied."). */
export function failureOf(outcome: CommandOutcome): string {
  if (!outcome.ok) return outcome.reason;
  const detail = firstLine(outcome.stderr);
  return `exit code ${outcome.exitCode}${detail ? `: ${detail}` : ""}`;
}
