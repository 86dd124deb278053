/**
 * `openssl s_server` instances for benchmark 2: each serves one connection at a time (FACTS), so a client that
 * lingers stalls it, which concurrent Node servers hide. They present leaf + intermediate and answer GET with
 * their status page (-www), which service detection reads as "an HTTPS server, not TabPy".
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** A port that was free a moment ago (the OS picks it; s_server binds it right after). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * s_server writes a line per failed connection to stderr: its output goes to a file, not a pipe, since the bench
 * blocks in spawnSync while clients run, and a pipe nobody drains would stall the server (seen: 200 KB of stderr).
 */
async function startOne(port: number, dir: string, log: string): Promise<ChildProcess> {
  const out = openSync(log, "w");
  const child = spawn("openssl", ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", `${dir}/leaf.pem`, "-cert_chain", `${dir}/intermediate.pem`,
    "-key", `${dir}/leaf.key.pem`, "-www"], { stdio: ["ignore", out, out] });
  closeSync(out);
  let exited: number | null | undefined;
  child.once("exit", (code) => (exited = code));
  for (const started = Date.now(); Date.now() - started < 10_000; await sleep(20)) {
    if (exited !== undefined) throw new Error(`openssl s_server on ${port} exited ${exited}`);
    if (/^ACCEPT$/m.test(readFileSync(log, "utf8"))) return child;
  }
  child.kill();
  throw new Error(`openssl s_server on ${port} did not start`);
}

/** Starts `count` servers with the certificates of fixtures folder `dir`; `stop` kills them. */
export async function startOpensslServers(count: number, dir: string, logDir: string): Promise<{ ports: number[]; stop: () => void }> {
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      children.push(await startOne(port, dir, join(logDir, `s_server-${port}.log`)));
      ports.push(port);
    }
  } catch (err) {
    for (const c of children) c.kill();
    throw err;
  }
  return { ports, stop: () => children.forEach((c) => c.kill()) };
}
