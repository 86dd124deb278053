/**
 * Benchmark servers, run as their own process (so they do not share an event loop with what is measured):
 * `node dist/bench/servers.js N` starts N TabPy-like TLS servers on 127.0.0.1 (free ports) presenting
 * fixtures/ca/fullchain.pem with fixtures/ca/leaf.key.pem, prints `{"ports":[...]}` and runs until stdin closes.
 */
import { readFileSync } from "node:fs";
import { startTabpyLikeServer, type RunningServer } from "../src/demo/servers.js";

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? "1");
  const certPem = readFileSync("fixtures/ca/fullchain.pem", "utf8");
  const keyPem = readFileSync("fixtures/ca/leaf.key.pem", "utf8");
  const servers: RunningServer[] = [];
  for (let i = 0; i < count; i++) servers.push(await startTabpyLikeServer({ certPem, keyPem }));
  process.stdout.write(`${JSON.stringify({ ports: servers.map((s) => s.port) })}\n`);
  const stop = () => void Promise.all(servers.map((s) => s.close())).then(() => process.exit(0));
  process.stdin.on("end", stop).on("close", stop).resume();
  process.on("SIGTERM", stop);
}

void main();
