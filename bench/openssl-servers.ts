/**
 * `openssl s_server` instances for benchmark 2: each serves one connection at a time (FACTS), so a client that
 * lingers stalls it, which concurrent Node servers hide. They present leaf + intermediate and answer GET with
 * their status page (-www), which service detection reads as "an HTTPS server, not TabPy".
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";

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

function startOne(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn("openssl", ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", `${dir}/leaf.pem`, "-cert_chain", `${dir}/intermediate.pem`,
    "-key", `${dir}/leaf.key.pem`, "-www"], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`openssl s_server on ${port} did not start`)), 10_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.trim() !== "ACCEPT") return;
      clearTimeout(timer);
      child.stdout!.resume();
      resolve(child);
    });
    child.stderr!.resume();
    child.once("exit", (code) => reject(new Error(`openssl s_server on ${port} exited ${code}`)));
  });
}

/** Starts `count` servers with the certificates of fixtures folder `dir`; `stop` kills them. */
export async function startOpensslServers(count: number, dir: string): Promise<{ ports: number[]; stop: () => void }> {
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      children.push(await startOne(port, dir));
      ports.push(port);
    }
  } catch (err) {
    for (const c of children) c.kill();
    throw err;
  }
  return { ports, stop: () => children.forEach((c) => c.kill()) };
}
