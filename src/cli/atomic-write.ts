/**
 * `--output FILE`: a reader never sees half a report. The text goes to a temporary file in the same folder, is
 * flushed, then renamed over FILE (rename is atomic within a file system). node_exporter's textfile collector reads
 * only `*.prom`, so the temporary name (`.NAME.PID.RANDOM.tmp`) is never picked up. A FILE that is a symlink is
 * followed (the link stays, its target is replaced); a FILE that exists and is not a regular file (/dev/stdout, a
 * FIFO) is written in place. I/O module.
 */
import { randomBytes } from "node:crypto";
import { open, realpath, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "./options.js";

/** FILE's real path and mode when it exists, else its absolute path (FILE is created). */
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

/**
 * Writes `data` to `path` atomically (see the module comment). An existing file keeps its permissions; a new one
 * gets the default (0666 minus the umask).
 * @throws UsageError naming `option` and the file when it cannot be written (missing folder, permissions).
 */
export async function writeFileAtomic(path: string, data: string, option = "--output"): Promise<void> {
  let temp: string | undefined;
  try {
    const target = await destination(path);
    if (!target.regular) {
      await writeFile(target.path, data);
      return;
    }
    temp = join(dirname(target.path), `.${basename(target.path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    const handle = await open(temp, "wx", target.mode ?? 0o666);
    try {
      await handle.writeFile(data);
      if (target.mode !== undefined) await handle.chmod(target.mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target.path);
    temp = undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UsageError(`${option}: cannot write ${path} (${code})`);
  } finally {
    if (temp !== undefined) await unlink(temp).catch(() => undefined);
  }
}
