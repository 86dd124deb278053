"use strict";
/**
 * V8 code cache for the bundled CLI (bin/chaincheck.cjs): compiled code kept between runs in a per-user folder,
 * so a run deserializes instead of parsing and compiling the bundle again. Never needed for correctness: any
 * problem (no home, unsafe or read-only folder, stale, truncated or corrupt file) means "no cache", silently.
 *
 * Folder: $XDG_CACHE_HOME/chaincheck (an absolute XDG_CACHE_HOME only, as the XDG spec says), else
 * %LOCALAPPDATA%\chaincheck on Windows, ~/Library/Caches/chaincheck on macOS, ~/.cache/chaincheck elsewhere.
 * It is used only if it is a real directory (not a symlink) owned by this user and writable by nobody else.
 * File: v8-<node version>-<arch>-<sha256 of the bundle, 32 hex>-<hash of Node's options>.bin, holding MAGIC, the
 * SHA-256 of the payload, and the payload from `vm.Script#createCachedData()`. V8 itself rejects data of another V8 version or flags; the file
 * name rejects data of another bundle (V8 checks only the source length); the checksum rejects a damaged file
 * (release builds of V8 do not verify one). CHAINCHECK_CODE_CACHE=off disables it. NODE_DEBUG=chaincheck tells what
 * happened, on stderr.
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { createHash, randomBytes } = require("node:crypto");
const { debuglog } = require("node:util");

const debug = debuglog("chaincheck");
const MAGIC = Buffer.from("chaincheck-v8-cache-1\n", "latin1");
const DIGEST = 32;
/** Older caches kept (other chaincheck versions or Node versions on the same account); the oldest go first. */
const KEEP = 8;

/** The cache folder for this user, or undefined when there is no sensible one. Pure (reads env and platform). */
function cacheFolder(env = process.env, platform = process.platform, home = safeHome()) {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, "chaincheck");
  if (platform === "win32") return env.LOCALAPPDATA && path.isAbsolute(env.LOCALAPPDATA) ? path.join(env.LOCALAPPDATA, "chaincheck") : undefined;
  if (!home || !path.isAbsolute(home)) return undefined;
  return platform === "darwin" ? path.join(home, "Library", "Caches", "chaincheck") : path.join(home, ".cache", "chaincheck");
}

function safeHome() {
  try {
    return os.homedir();
  } catch {
    return undefined;
  }
}

/** True when `dir` is a directory (not a symlink) of this user that no one else may write to (POSIX). */
function isPrivateFolder(dir) {
  const st = fs.lstatSync(dir);
  if (!st.isDirectory()) return false;
  if (process.platform === "win32" || typeof process.getuid !== "function") return true;
  return st.uid === process.getuid() && (st.mode & 0o022) === 0;
}

function sha256(bytes) {
  return createHash("sha256").update(bytes).digest();
}

/**
 * Opens the cache entry of `source` (the bundle's text): `{ data, save(script) }`. `data` is the verified cached
 * data or undefined; `save` writes `script`'s code cache when the entry was missing or refused (call it once the
 * run has compiled what it needs, e.g. at exit).
 */
function openCodeCache(source) {
  const none = { data: undefined, save() {} };
  if (/^(0|off|false|no)$/i.test(process.env.CHAINCHECK_CODE_CACHE ?? "")) return none;
  const dir = cacheFolder();
  if (!dir) return none;
  // Node options change V8's flags, and V8 refuses data made under other flags: one entry per set, no rewriting.
  const flags = sha256(Buffer.from(`${process.execArgv.join("\0")}\0${process.env.NODE_OPTIONS ?? ""}`)).toString("hex").slice(0, 8);
  const name = `v8-${process.version}-${process.arch}-${sha256(source).toString("hex").slice(0, 32)}-${flags}.bin`;
  const file = path.join(dir, name);
  const data = read(file);
  debug("code cache %s: %s", data ? "found" : "missing", file);
  return {
    data,
    save(script) {
      if (data && !script.cachedDataRejected) return;
      if (data) debug("code cache rejected by V8 (other V8 version or flags): rewriting");
      write(dir, file, script);
    },
  };
}

function read(file) {
  let bytes;
  try {
    if (!isPrivateFolder(path.dirname(file))) return undefined;
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const payload = bytes.subarray(MAGIC.length + DIGEST);
  const ok = bytes.length > MAGIC.length + DIGEST && bytes.subarray(0, MAGIC.length).equals(MAGIC)
    && bytes.subarray(MAGIC.length, MAGIC.length + DIGEST).equals(sha256(payload));
  if (!ok) debug("code cache damaged, ignored: %s", file);
  return ok ? payload : undefined;
}

/** Writes atomically (a private temporary file renamed over the entry); gives up silently on any error. */
function write(dir, file, script) {
  let temp;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!isPrivateFolder(dir)) {
      debug("code cache folder not private (owner or mode), not used: %s", dir);
      return;
    }
    const payload = script.createCachedData();
    temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    const fd = fs.openSync(temp, "wx", 0o600);
    try {
      fs.writeSync(fd, Buffer.concat([MAGIC, sha256(payload), payload]));
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
    temp = undefined;
    debug("code cache written (%d bytes): %s", payload.length, file);
    prune(dir, path.basename(file));
  } catch (err) {
    debug("code cache not written: %s", err && err.message);
    if (temp) fs.rmSync(temp, { force: true });
  }
}

/** Keeps the newest KEEP entries besides `current`. */
function prune(dir, current) {
  const entries = fs.readdirSync(dir).filter((f) => /^v8-.*\.bin$/.test(f) && f !== current)
    .map((f) => ({ f, at: fs.statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => b.at - a.at);
  for (const { f } of entries.slice(KEEP)) fs.rmSync(path.join(dir, f), { force: true });
}

module.exports = { openCodeCache, cacheFolder };
