/**
 * The baseline of benchmark 1: a bare Node script that only fetches the chain over TLS and prints how many
 * certificates came. CommonJS (`node dist/bench/bare-fetch.cjs HOST:PORT SERVERNAME`); bare-fetch.js runs the same
 * code from an ES module, so each side of a comparison pays the module loader it uses.
 */
import tls = require("node:tls");

const [host, port] = (process.argv[2] ?? "127.0.0.1:9004").split(":");
const socket = tls.connect({ host: host!, port: Number(port), servername: process.argv[3] ?? "localhost", rejectUnauthorized: false }, () => {
  let count = 0;
  for (let cert = socket.getPeerX509Certificate(); cert && count < 16; cert = cert.issuerCertificate) count++;
  process.stdout.write(`${count}\n`);
  socket.destroy();
});
socket.on("error", (err) => {
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
});
