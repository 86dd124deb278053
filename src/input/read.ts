/**
 * Read a certificate file from disk and decode it, getting a PKCS#12 password from an
 * environment variable (`--pfx-password-env NAME`) or an interactive prompt only when the file
 * needs one. I/O module: reads files and (by default) process.env. The password is never logged,
 * put in a message, or returned.
 */
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { open } from "node:fs/promises";
import { decodeCertificates } from "./decode.js";
import type { DecodeResult } from "./decode.js";
import { InputError, displayName, tooLarge } from "./errors.js";
import { PRESENTED_LIMITS, type InputLimits } from "./limits.js";

export interface ReadOptions {
  /** Name of the environment variable holding the PKCS#12 password (`--pfx-password-env NAME`). */
  readonly passwordEnv?: string;
  /** Ask the user for the password (the CLI passes a no-echo TTY prompt); gets the file's display name. */
  readonly promptPassword?: (fileName: string) => Promise<string>;
  /** Environment to read `passwordEnv` from; defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Byte and certificate caps; default PRESENTED_LIMITS (`--ca-file` passes TRUST_LIMITS). */
  readonly limits?: InputLimits;
  /** Told each decoder note (an ignored key, no MAC, ...) with the file's display name. */
  readonly onNote?: (source: string, note: string) => void;
}

export interface ReadResult extends DecodeResult {
  /** The path as given. */
  readonly path: string;
}

/**
 * Read and decode one certificate file.
 * @throws {InputError} one-line message: FILE_NOT_FOUND, FILE_UNREADABLE, IS_A_DIRECTORY,
 *   FILE_TOO_LARGE, EMPTY_INPUT, PASSWORD_ENV_UNSET, any decoder code
 */
export async function readCertificateFile(path: string, options: ReadOptions = {}): Promise<ReadResult> {
  const result = await readAndDecode(path, options);
  for (const note of result.warnings) options.onNote?.(displayName(path), note);
  return result;
}

async function readAndDecode(path: string, options: ReadOptions): Promise<ReadResult> {
  const name = displayName(path);
  const limits = options.limits ?? PRESENTED_LIMITS;
  const bytes = await readFileBounded(path, limits.maxBytes, limits.kind);
  const env = options.env ?? process.env;
  const envPassword = options.passwordEnv === undefined ? undefined : env[options.passwordEnv];
  try {
    return { path, ...(await decodeCertificates(bytes, { name, password: envPassword, limits })) };
  } catch (e) {
    if (!(e instanceof InputError) || e.code !== "PKCS12_PASSWORD_REQUIRED") throw e;
  }
  // The file needs a password and none came from the environment.
  if (options.passwordEnv !== undefined) {
    throw new InputError("PASSWORD_ENV_UNSET", name,
      `is password-protected, but the environment variable ${displayName(options.passwordEnv)} (--pfx-password-env) is not set`);
  }
  if (!options.promptPassword) {
    throw new InputError("PKCS12_PASSWORD_REQUIRED", name,
      "is a password-protected PKCS#12 file; pass --pfx-password-env NAME, or run in a terminal to be asked for the password");
  }
  const password = await options.promptPassword(name);
  return { path, ...(await decodeCertificates(bytes, { name, password, limits })) };
}

/**
 * A file's bytes, refusing directories, empty files and files over `maxBytes` (named `kind` in
 * the message, e.g. "targets files"). FIFOs and devices are read up to the cap too.
 * @throws {InputError} FILE_NOT_FOUND, FILE_UNREADABLE, IS_A_DIRECTORY, FILE_TOO_LARGE, EMPTY_INPUT
 */
export async function readFileBounded(path: string, maxBytes: number, kind: string): Promise<Uint8Array> {
  const name = displayName(path);
  // A regular file is read synchronously: a CA file or a bundle is small, and the process is waiting for it anyway
  // (fs/promises costs a round trip through the thread pool per call, ~3 ms in a fresh process). Anything else is
  // read asynchronously: opening a FIFO such as `<(...)` blocks until its writer comes.
  let regular = false;
  try {
    regular = statSync(path).isFile();
  } catch {
    // open() below says what is wrong
  }
  try {
    return regular ? readRegularFile(path, name, maxBytes, kind) : await readAnyFile(path, name, maxBytes, kind);
  } catch (e) {
    throw e instanceof InputError ? e : fsError(e, name);
  }
}

/** The checks on what was opened: not a folder, not over the cap (a regular file's size is known before reading). */
function bufferFor(stat: Stats, name: string, maxBytes: number, kind: string): Buffer {
  if (stat.isDirectory()) throw new InputError("IS_A_DIRECTORY", name, "is a directory, not a certificate file");
  if (stat.isFile() && stat.size > maxBytes) throw tooLarge(name, stat.size, maxBytes, kind);
  // A regular file is read up to its size; anything else (a FIFO such as `<(...)` reports
  // size 0) up to the limit + 1, to notice when it is too large.
  return Buffer.alloc(stat.isFile() ? stat.size : maxBytes + 1);
}

function bytesRead(buffer: Buffer, length: number, name: string, maxBytes: number, kind: string): Uint8Array {
  if (length > maxBytes) throw tooLarge(name, length, maxBytes, kind);
  if (length === 0) throw new InputError("EMPTY_INPUT", name, "the file is empty");
  return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
}

function readRegularFile(path: string, name: string, maxBytes: number, kind: string): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const buffer = bufferFor(fstatSync(fd), name, maxBytes, kind);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return bytesRead(buffer, length, name, maxBytes, kind);
  } finally {
    closeSync(fd);
  }
}

async function readAnyFile(path: string, name: string, maxBytes: number, kind: string): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const buffer = bufferFor(await handle.stat(), name, maxBytes, kind);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead: read } = await handle.read(buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return bytesRead(buffer, length, name, maxBytes, kind);
  } finally {
    await handle.close();
  }
}

/** Map node:fs errors to one-line messages (the system message names the path and the syscall). */
function fsError(e: unknown, name: string): InputError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT": return new InputError("FILE_NOT_FOUND", name, "no such file");
    case "ENOTDIR": return new InputError("FILE_NOT_FOUND", name, "no such file (a part of the path is not a directory)");
    case "EACCES":
    case "EPERM": return new InputError("FILE_UNREADABLE", name, "permission denied");
    case "EISDIR": return new InputError("IS_A_DIRECTORY", name, "is a directory, not a certificate file");
    default: return new InputError("FILE_UNREADABLE", name, `cannot be read (${code ?? "unknown error"})`);
  }
}
