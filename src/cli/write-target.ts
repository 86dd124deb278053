/**
 * Where a run writes (`--output`, `--report`, `--save-anchors`): checked before any file is read
 * or any server probed, and written so that a failure is one `chaincheck:` line and exit 2, never
 * "internal error" and never a hang. Reports never overwrite an input of the run; anchor files are
 * created exclusively and never through a symbolic link (README "Security"). I/O module.
 */
import { constants } from "node:fs";
import { randomBytes } from "node:crypto";
import { access, lstat, mkdir, open, realpath, rename, stat, statfs, unlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "./options.js";

/** Linux pseudo file systems (statfs f_type): kernel interfaces, where a write can change the system. */
const PSEUDO_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, "procfs"], [0x62656572, "sysfs"], [0x27e0eb, "cgroup"], [0x63677270, "cgroup2"],
  [0x64626720, "debugfs"], [0x74726163, "tracefs"], [0x73636673, "securityfs"], [0x62656570, "configfs"],
  [0xcafe4a11, "bpf"], [0x6165676c, "pstore"], [0xf97cff8c, "selinuxfs"], [0xde5e81e4, "efivarfs"],
]);

/** Short words for the errno codes a write meets. */
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or folder", ENOTDIR: "a part of the path is not a folder", EISDIR: "it is a folder",
  EACCES: "permission denied", EPERM: "operation not permitted", EROFS: "read-only file system",
  ENOSPC: "no space left on the device", EDQUOT: "disk quota exceeded", EFBIG: "file too large", EIO: "input/output error",
  ENXIO: "no process is reading that FIFO", ELOOP: "too many symbolic links", EEXIST: "it already exists",
  ENAMETOOLONG: "the name is too long", EINVAL: "the file system refuses it",
};

/** The inputs of a run, as given: reports must not overwrite any of them. */
export interface RunFiles {
  readonly inputs: readonly string[];
}

function describeErrno(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? "error";
  return ERRNO_WORDS[code] ? `${code}: ${ERRNO_WORDS[code]}` : code;
}

/** The path's stat, or `undefined` when nothing is there (ENOTDIR too: the parent check then says which part is a file). */
async function statOrUndefined(path: string): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw err;
  }
}

/** What is at an option's path (`undefined`: nothing yet), with one-line errors. */
async function entryOf(option: string, path: string, noun: "file" | "folder"): Promise<Awaited<ReturnType<typeof stat>> | undefined> {
  if (path === "") throw new UsageError(`${option}: expected a ${noun} name`);
  try {
    return await statOrUndefined(path);
  } catch (err) {
    throw new UsageError(`${option}: cannot use ${path} (${describeErrno(err)})`);
  }
}

/** Refuse a path on a kernel pseudo file system (Linux; elsewhere statfs types differ). */
async function refusePseudoFs(option: string, path: string, shown: string): Promise<void> {
  if (process.platform !== "linux") return;
  let type: number;
  try {
    type = Number((await statfs(path)).type);
  } catch {
    return; // the write itself will say what is wrong
  }
  const name = PSEUDO_FILESYSTEMS.get(type);
  if (name) throw new UsageError(`${option}: ${shown} is on ${name}, a kernel interface, not a place to write files`);
}

/** The folder a new file would go into: it must exist, be a folder, be writable. */
function checkParentFolder(option: string, path: string): Promise<void> {
  return checkFolder(option, dirname(resolve(path)), path);
}

/** `folder` must exist, be a folder on a real file system, and be writable (to create `path` in it). */
async function checkFolder(option: string, folder: string, path: string): Promise<void> {
  let info;
  try {
    info = await stat(folder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UsageError(`${option}: cannot write ${path}: the folder ${folder} does not exist`);
    if (code === "ENOTDIR") throw new UsageError(`${option}: cannot write ${path}: a part of ${folder} is a file, not a folder`);
    throw new UsageError(`${option}: cannot write ${path} (${describeErrno(err)})`);
  }
  if (!info.isDirectory()) throw new UsageError(`${option}: cannot write ${path}: ${folder} is a file, not a folder`);
  await refusePseudoFs(option, folder, folder);
  try {
    await access(folder, constants.W_OK);
  } catch (err) {
    throw new UsageError(`${option}: cannot write in the folder ${folder} (${describeErrno(err)})`);
  }
}

/**
 * `--output FILE` / `--report FILE` before the run: a file that may be (over)written, in a folder
 * that exists, not on a kernel pseudo file system, and not one of the run's inputs.
 */
export async function checkReportFile(option: string, path: string, files: RunFiles): Promise<void> {
  const info = await entryOf(option, path, "file");
  if (info === undefined) return checkParentFolder(option, path);
  if (info.isDirectory()) throw new UsageError(`${option}: ${path} is a folder, not a file`);
  await refusePseudoFs(option, path, path);
  for (const input of files.inputs) {
    const other = await stat(input).catch(() => undefined);
    if (other && other.dev === info.dev && other.ino === info.ino && info.isFile()) {
      throw new UsageError(`${option}: ${path} is an input of this run (${input}); chaincheck does not overwrite its inputs`);
    }
  }
  if (info.isFile()) {
    try {
      await access(path, constants.W_OK);
    } catch (err) {
      throw new UsageError(`${option}: cannot write ${path} (${describeErrno(err)})`);
    }
  }
}

/** `--save-anchors DIR` before the run: an existing folder, or one that can be created in an existing folder. */
export async function checkAnchorFolder(option: string, dir: string): Promise<void> {
  const info = await entryOf(option, dir, "folder");
  // Like mkdir, not mkdir -p: a typing error deep in a path is not silently created.
  if (info === undefined) return checkParentFolder(option, dir);
  if (!info.isDirectory()) throw new UsageError(`${option}: ${dir} is a file, not a folder`);
  await checkFolder(option, dir, dir);
}

/** `--output`/`--report`: write `content`, every failure one line (a FIFO without reader fails, never blocks). */
export async function writeReportFile(option: string, path: string, content: string): Promise<void> {
  const file = openReportFile(option, path);
  await file.write(content);
  await file.close();
}

/**
 * A report written piece by piece (`--output` of a fleet: one result at a time). Nothing is opened before the first
 * `write` or `close`; every failure is one line (a UsageError) and removes what was written of a regular file.
 */
export interface ReportFile {
  write(text: string): Promise<void>;
  /** Flushes and puts the report in place (`rename` over FILE for a regular file). */
  close(): Promise<void>;
  /** Gives up (the run failed): a regular FILE stays as it was, the temporary file is removed. */
  abort(): Promise<void>;
}

/** Pieces are gathered up to this size before a write: one system call per ~64 KiB, not per result. */
const WRITE_CHUNK = 64 * 1024;

/**
 * The one report writer. A regular FILE is written through a temporary file in the same folder, flushed and renamed
 * over FILE on `close` (atomic within a file system): a reader (node_exporter's textfile collector, a CI step) never
 * sees half a report. The temporary name (`.NAME.PID.RANDOM.tmp`) does not end in .prom, so the textfile collector
 * never picks it up. A FILE that is not a regular file (/dev/stdout, /dev/full, a FIFO) is written in place.
 */
export function openReportFile(option: string, path: string): ReportFile {
  let target: Promise<OpenedReport> | undefined;
  let pending: string[] = [];
  let pendingLength = 0;
  let done = false;
  const discard = async (): Promise<void> => {
    done = true;
    const opened = await target?.catch(() => undefined);
    target = undefined;
    if (!opened) return;
    await opened.handle.close().catch(() => undefined);
    if (opened.temp !== undefined) await unlink(opened.temp).catch(() => undefined);
  };
  // Every step: after a failure, nothing is left behind and the error is one line.
  const guarded = async (step: () => Promise<void>): Promise<void> => {
    if (done) throw new UsageError(`${option}: cannot write ${path} (already closed)`);
    try {
      await step();
    } catch (err) {
      await discard();
      throw err instanceof UsageError ? err : new UsageError(`${option}: cannot write ${path} (${describeErrno(err)})`);
    }
  };
  const flush = async (): Promise<OpenedReport> => {
    const text = pending.join("");
    pending = [];
    pendingLength = 0;
    const opened = await (target ??= openTarget(path));
    // writeFile on an open handle writes all of `text` at the current position (write() may write less).
    if (text.length > 0) await opened.handle.writeFile(text);
    return opened;
  };
  return {
    write(text) {
      pending.push(text);
      pendingLength += text.length;
      return pendingLength < WRITE_CHUNK && !done ? Promise.resolve() : guarded(async () => void (await flush()));
    },
    close: () => guarded(async () => {
      const { handle, temp, target: final, mode } = await flush();
      if (temp !== undefined) {
        if (mode !== undefined) await handle.chmod(mode);
        await handle.sync();
      }
      await handle.close();
      if (temp !== undefined) await rename(temp, final);
      done = true;
      target = undefined; // in place: nothing left for abort() to remove
    }),
    abort: discard,
  };
}

interface OpenedReport {
  readonly handle: FileHandle;
  /** The temporary file renamed over `target` on close (regular files only). */
  readonly temp?: string;
  readonly target: string;
  readonly mode?: number;
}

/** Opens where the report goes: a new temporary file beside a regular FILE, else FILE itself. */
async function openTarget(path: string): Promise<OpenedReport> {
  const target = await destination(path);
  if (!target.regular) return { handle: await openInPlace(target.path), target: target.path };
  const temp = join(dirname(target.path), `.${basename(target.path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const handle = await open(temp, "wx", target.mode ?? 0o666);
  return { handle, temp, target: target.path, ...(target.mode !== undefined ? { mode: target.mode } : {}) };
}

/** FILE's real path and mode when it exists (a symbolic link is followed: the link stays), else its absolute path. */
async function destination(path: string): Promise<{ path: string; mode?: number; regular: boolean }> {
  try {
    const real = await realpath(path);
    const info = await stat(real);
    return { path: real, mode: info.mode & 0o7777, regular: info.isFile() };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { path: resolve(path), regular: true };
    throw err;
  }
}

/** A FILE that is not a regular file (/dev/stdout, /dev/full, a FIFO), opened to be written in place. */
async function openInPlace(path: string): Promise<FileHandle> {
  if ((await stat(path)).isFIFO()) {
    // Opening a FIFO for writing blocks until a reader comes; non-blocking, it fails (ENXIO) instead.
    await (await open(path, constants.O_WRONLY | constants.O_NONBLOCK)).close();
  }
  return open(path, "w");
}

/**
 * Create `path` with `content`: exclusively (never an existing file, never through a symbolic
 * link). With `force`, an existing file or link is removed first, the new file then created
 * exclusively: a link is replaced, its target never written.
 */
export async function createFileExclusive(option: string, path: string, content: string, options: { force: boolean; mode: number }): Promise<void> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  let handle: FileHandle;
  try {
    handle = await open(path, flags, options.mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new UsageError(`${option}: cannot create ${path} (${describeErrno(err)})`);
    const existing = await lstat(path).catch(() => undefined);
    const what = existing?.isSymbolicLink() ? "is a symbolic link" : existing?.isDirectory() ? "is a folder" : "exists";
    if (!options.force || existing?.isDirectory()) {
      throw new UsageError(`${option}: ${path} ${what}; chaincheck does not overwrite it${existing?.isDirectory() ? "" : " (--force replaces it)"}`);
    }
    try {
      await unlink(path);
      handle = await open(path, flags, options.mode);
    } catch (again) {
      throw new UsageError(`${option}: cannot replace ${path} (${describeErrno(again)})`);
    }
  }
  try {
    await handle.writeFile(content);
    await handle.chmod(options.mode);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw new UsageError(`${option}: cannot write ${path} (${describeErrno(err)})`);
  }
  await handle.close();
}

/** `mkdir` (an existing folder is fine) with a one-line error. */
export async function makeFolder(option: string, dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST" && (await stat(dir).catch(() => undefined))?.isDirectory()) return;
    throw new UsageError(`${option}: cannot create the folder ${dir} (${describeErrno(err)})`);
  }
}
