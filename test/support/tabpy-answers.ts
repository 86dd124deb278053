/** HTTP answers a TabPy (or another HTTPS server) gives to GET /info, for TLS test servers. */
import type { TLSSocket } from "node:tls";

export const TABPY_INFO = JSON.stringify({
  description: "",
  creation_time: "0",
  state_path: "/tabpy",
  server_version: "2.13.0",
  name: "TabPy Server",
  versions: { v1: { features: {} } },
});

export const TABPY_CHALLENGE = { "WWW-Authenticate": 'Basic realm="TabPy Server"' };

export function response(status: string, headers: Record<string, string>, body = ""): string {
  const all = { "Content-Length": String(Buffer.byteLength(body)), Connection: "close", ...headers };
  return `HTTP/1.1 ${status}\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n\r\n${body}`;
}

/** Minimal HTTPS endpoint: records each request head, answers with `respond(head)` after `delayMs`, closes. */
export function httpAnswer(requests: string[], respond: (head: string) => string, delayMs = 0) {
  return (socket: TLSSocket) => {
    let text = "";
    let answered = false;
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (answered || !text.includes("\r\n\r\n")) return;
      answered = true;
      requests.push(text);
      const answer = () => socket.writable && socket.end(respond(text));
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  };
}

/** Answers GET /info with TabPy's JSON, as a password-less TabPy does. */
export const tabpyInfo = () => response("200 OK", { "Content-Type": "application/json" }, TABPY_INFO);

/**
 * Drips `text` after the request, `bytes` at a time every `everyMs` (0: as fast as the event loop turns), and
 * never finishes unless the text runs out.
 */
export function drip(socket: TLSSocket, text: string, bytes = 1, everyMs = 20): void {
  let at = 0;
  const step = () => {
    if (!socket.writable || at >= text.length) return;
    socket.write(text.slice(at, at + bytes));
    at += bytes;
    if (everyMs > 0) setTimeout(step, everyMs);
    else setImmediate(step);
  };
  socket.once("data", step);
}
