/**
 * The ES-module side of benchmark 1's baseline: `node dist/bench/bare-fetch.js HOST:PORT SERVERNAME` starts Node's
 * ES module loader, then runs bare-fetch.cjs (the bare TLS fetch itself).
 */
import "./bare-fetch.cjs";
