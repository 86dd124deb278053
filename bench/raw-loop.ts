/**
 * The baseline of benchmark 2: the same TLS handshakes chaincheck makes (SNI, OpenSSL verification against the
 * same CA file, the peer chain walked once), N targets at a given concurrency, nothing else.
 * `node dist/bench/raw-loop.js TARGETS_FILE CONCURRENCY CA_FILE SERVERNAME` prints `{"ok":N,"failed":N,"ms":T}`.
 */
import { readFileSync } from "node:fs";
import { connect } from "node:tls";

function handshake(target: string, ca: string, servername: string): Promise<boolean> {
  const [host, port] = target.split(":");
  return new Promise((resolve) => {
    const socket = connect({ host: host!, port: Number(port), servername, ca, rejectUnauthorized: false }, () => {
      let count = 0;
      for (let cert = socket.getPeerX509Certificate(); cert && count < 16; cert = cert.issuerCertificate) count++;
      const ok = socket.authorized && count > 0;
      socket.destroy();
      resolve(ok);
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error("timeout")));
    socket.on("error", () => resolve(false));
  });
}

async function main(): Promise<void> {
  const [file, concurrency, caFile, servername] = process.argv.slice(2);
  const targets = readFileSync(file!, "utf8").split("\n").map((l) => l.split(/\s+/)[0]!).filter(Boolean);
  const ca = readFileSync(caFile!, "utf8");
  const started = performance.now();
  let next = 0;
  let ok = 0;
  const worker = async () => {
    while (next < targets.length) if (await handshake(targets[next++]!, ca, servername!)) ok++;
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, worker));
  process.stdout.write(`${JSON.stringify({ ok, failed: targets.length - ok, ms: performance.now() - started })}\n`);
}

void main();
