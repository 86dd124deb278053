import { expect } from "chai";
import { request } from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import { connect as netConnect } from "node:net";
import type { Socket } from "node:net";
import { networkInterfaces } from "node:os";
import { RSERVE_ID_STRING, TABPY_REALM, startRserveLikeServer, startTabpyLikeServer } from "../src/demo/servers.js";
import { makeOpensslPki, skipUnlessOpenssl, type OpensslPki } from "./support/openssl-pki.js";
import { skipUnlessRserve, startRealRserve } from "./support/rserve.js";
import { closedWithin, fingerprint, plainGreeting, tlsGreeting, withTimeout } from "./support/tls-client.js";

/** A QAP1 header (16 bytes, little-endian): CMD_eval (0x003) with an empty payload. */
const QAP1_EVAL = Buffer.from([3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

interface HttpResult { status: number; headers: IncomingHttpHeaders; body: string }

describe("demo servers and the real Rserve launcher", function () {
  this.timeout(20_000);
  let pki: OpensslPki;
  let fp: { leaf: string; int: string; root: string };
  const toClose: { close(): Promise<void> }[] = [];
  const sockets: Socket[] = [];
  const track = <T extends { close(): Promise<void> }>(server: T): T => { toClose.push(server); return server; };
  const keep = <T extends { socket: Socket }>(result: T): T => { sockets.push(result.socket); return result; };
  const chainPem = (...parts: ("leaf" | "int" | "root")[]): string =>
    parts.map((p) => (p === "leaf" ? pki.leaf : p === "int" ? pki.intermediate : pki.root).pem).join("");

  before(function () {
    skipUnlessOpenssl(this);
    pki = makeOpensslPki();
    fp = { leaf: fingerprint(pki.leaf.pem), int: fingerprint(pki.intermediate.pem), root: fingerprint(pki.root.pem) };
  });
  after(() => pki?.cleanup());
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(toClose.splice(0).map((s) => s.close()));
  });

  function expectRserveId(greeting: Buffer): void {
    expect(greeting.length).to.equal(32);
    const text = greeting.toString("latin1");
    expect(text.startsWith("Rsrv")).to.equal(true);
    expect(text).to.contain("QAP1");
  }

  describe("startRserveLikeServer", () => {
    it("sends the 32-byte ID string right after the TLS handshake, presenting only the given leaf", async () => {
      const server = track(await startRserveLikeServer({ certPem: pki.leaf.pem, keyPem: pki.leaf.key }));
      const got = keep(await tlsGreeting(server.port, 32));
      expectRserveId(got.greeting);
      expect(got.greeting.toString("latin1")).to.equal(RSERVE_ID_STRING);
      expect(got.chain).to.deep.equal([fp.leaf]);
    });

    it("presents exactly the PEM given, in its order", async () => {
      const server = track(await startRserveLikeServer({ certPem: chainPem("leaf", "root", "int"), keyPem: pki.leaf.key }));
      expect(keep(await tlsGreeting(server.port, 0)).chain).to.deep.equal([fp.leaf, fp.root, fp.int]);
    });

    it("stays silent on its TLS port until the client's ClientHello", async () => {
      const server = track(await startRserveLikeServer({ certPem: pki.leaf.pem, keyPem: pki.leaf.key }));
      const socket = netConnect({ host: "127.0.0.1", port: server.port });
      sockets.push(socket);
      const received = await new Promise<number>((resolve) => {
        let bytes = 0;
        socket.on("data", (chunk: Buffer) => { bytes += chunk.length; });
        setTimeout(() => resolve(bytes), 300);
      });
      expect(received).to.equal(0);
    });

    it("with tls: false sends the ID string unasked on plain TCP", async () => {
      const server = track(await startRserveLikeServer({ tls: false }));
      expectRserveId(keep(await plainGreeting(server.port, 32)).greeting);
    });

    it("closes the connection on a QAP1 command it does not handle, sending nothing more", async () => {
      const server = track(await startRserveLikeServer({ certPem: pki.leaf.pem, keyPem: pki.leaf.key }));
      const { socket } = keep(await tlsGreeting(server.port, 32));
      const extra: Buffer[] = [];
      socket.on("data", (chunk: Buffer) => extra.push(chunk));
      socket.write(QAP1_EVAL);
      await closedWithin(socket, 3_000);
      expect(Buffer.concat(extra).length).to.equal(0);
    });

    it("refuses to start TLS without a certificate", async () => {
      const error = await startRserveLikeServer({}).then(() => null, (e: unknown) => e);
      expect(error).to.be.instanceOf(TypeError);
    });
  });

  describe("startTabpyLikeServer", () => {
    const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    const get = (port: number, path: string, headers: Record<string, string> = {}): Promise<HttpResult> =>
      withTimeout(5_000, `GET ${path}`, (resolve, reject, onCleanup) => {
        const req = request({ host: "127.0.0.1", port, path, headers, ca: pki.root.pem, agent: false }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => { body += chunk; });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        });
        onCleanup(() => req.destroy());
        req.on("error", reject);
        req.end();
      });
    const start = (extra: { auth?: { users: Record<string, string> }; version?: string } = {}) =>
      startTabpyLikeServer({ certPem: chainPem("leaf", "int"), keyPem: pki.leaf.key, ...extra }).then(track);

    it("answers GET /info with TabPy's JSON fields", async () => {
      const server = await start({ version: "2.9.0" });
      const res = await get(server.port, "/info");
      expect(res.status).to.equal(200);
      expect(res.headers["content-type"]).to.equal("application/json");
      const info = JSON.parse(res.body) as Record<string, unknown>;
      expect(info).to.have.all.keys("description", "creation_time", "state_path", "server_version", "name", "versions");
      expect(info["server_version"]).to.equal("2.9.0");
      expect(info["name"]).to.equal(TABPY_REALM);
      expect(info["versions"]).to.have.nested.property("v1.features").that.does.not.have.property("authentication");
    });

    it("reports version 2.13.0 by default and 404s other paths", async () => {
      const server = await start();
      expect(JSON.parse((await get(server.port, "/info")).body)).to.include({ server_version: "2.13.0" });
      expect((await get(server.port, "/evaluate")).status).to.equal(404);
      expect((await get(server.port, "/info/extra")).status).to.equal(404);
    });

    it("with users: 401 and the TabPy realm for missing or wrong credentials", async () => {
      const server = await start({ auth: { users: { analyst: "s3cret" } } });
      const attempts: Record<string, string>[] = [{}, { Authorization: basic("analyst", "wrong") },
        { Authorization: basic("nobody", "s3cret") }, { Authorization: "Bearer abc" }];
      for (const headers of attempts) {
        const res = await get(server.port, "/info", headers);
        expect(res.status, JSON.stringify(headers)).to.equal(401);
        expect(res.headers["www-authenticate"]).to.equal(`Basic realm="${TABPY_REALM}"`);
      }
    });

    it("with users: 200 for the right credentials (user name case-insensitive, like TabPy)", async () => {
      const server = await start({ auth: { users: { analyst: "s3cret" } } });
      for (const user of ["analyst", "Analyst"]) {
        const res = await get(server.port, "/info", { Authorization: basic(user, "s3cret") });
        expect(res.status).to.equal(200);
        expect(JSON.parse(res.body)).to.have.nested.property("versions.v1.features.authentication.required", true);
      }
    });

    it("without a password file: 406 when credentials are sent", async () => {
      const server = await start();
      const res = await get(server.port, "/info", { Authorization: basic("analyst", "s3cret") });
      expect(res.status).to.equal(406);
      expect(res.headers["www-authenticate"]).to.equal(`Basic realm="${TABPY_REALM}"`);
    });

    it("presents exactly the chain given, in its order", async () => {
      const server = track(await startTabpyLikeServer({ certPem: chainPem("leaf", "root", "int"), keyPem: pki.leaf.key }));
      expect(keep(await tlsGreeting(server.port, 0)).chain).to.deep.equal([fp.leaf, fp.root, fp.int]);
    });

    it("accepts TLS 1.2 and refuses TLS 1.1, like TabPy", async () => {
      const server = await start();
      expect(keep(await tlsGreeting(server.port, 0, { maxVersion: "TLSv1.2" })).protocol).to.equal("TLSv1.2");
      const old = { minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT:@SECLEVEL=0" } as const;
      const error = await tlsGreeting(server.port, 0, old).then((g) => { g.socket.destroy(); return null; }, (e: unknown) => e);
      expect(error).to.have.property("code", "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION");
    });
  });

  describe("both like-servers", () => {
    it("close() destroys open and half-open connections, promptly and idempotently", async () => {
      const tabpy = track(await startTabpyLikeServer({ certPem: pki.leaf.pem, keyPem: pki.leaf.key }));
      const rserve = track(await startRserveLikeServer({ certPem: pki.leaf.pem, keyPem: pki.leaf.key }));
      const open = [keep(await tlsGreeting(tabpy.port, 0)).socket, keep(await tlsGreeting(rserve.port, 32)).socket];
      const halfOpen = [tabpy.port, rserve.port].map((port) => netConnect({ host: "127.0.0.1", port }));
      sockets.push(...halfOpen);
      await Promise.all(halfOpen.map((s) => new Promise((resolve) => s.once("connect", resolve))));
      await withTimeout(3_000, "close()", (resolve, reject) => {
        Promise.all([tabpy.close(), rserve.close(), tabpy.close()]).then(() => resolve(undefined), reject);
      });
      await Promise.all([...open, ...halfOpen].map((s) => closedWithin(s, 3_000)));
    });

    it("bind to 127.0.0.1 only by default", async function () {
      const external = Object.values(networkInterfaces()).flat().find((a) => a && a.family === "IPv4" && !a.internal);
      if (external === undefined) {
        console.log("      no non-loopback IPv4 address to probe from; skipping");
        this.skip();
      }
      const server = track(await startRserveLikeServer({ tls: false }));
      expect(server.host).to.equal("127.0.0.1");
      const outcome = await new Promise<string>((resolve) => {
        const socket = netConnect({ host: external.address, port: server.port });
        sockets.push(socket);
        socket.once("connect", () => resolve("connected"));
        socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
      });
      expect(outcome).to.equal("ECONNREFUSED");
    });
  });

  describe("startRealRserve (Debian r-cran-rserve)", function () {
    this.timeout(60_000);
    before(async function () { await skipUnlessRserve(this); });

    it("with a full-chain tls.cert sends 1 certificate, then the 32-byte ID string", async () => {
      const rserve = track(await startRealRserve({ certPem: chainPem("leaf", "int", "root"), keyPem: pki.leaf.key }));
      const got = keep(await tlsGreeting(rserve.port, 32));
      expect(got.chain).to.deep.equal([fp.leaf]);
      expectRserveId(got.greeting);
    });

    it("with tls.ca = intermediate + root sends the whole chain (3 certificates)", async () => {
      const rserve = track(await startRealRserve({ certPem: pki.leaf.pem, keyPem: pki.leaf.key, caPem: chainPem("int", "root") }));
      const got = keep(await tlsGreeting(rserve.port, 32));
      expect(got.chain).to.deep.equal([fp.leaf, fp.int, fp.root]);
      expectRserveId(got.greeting);
    });

    it("with tls.ca = intermediate only sends 2 certificates", async () => {
      const rserve = track(await startRealRserve({ certPem: pki.leaf.pem, keyPem: pki.leaf.key, caPem: chainPem("int") }));
      expect(keep(await tlsGreeting(rserve.port, 0)).chain).to.deep.equal([fp.leaf, fp.int]);
    });

    it("close() stops the daemon: the port refuses connections afterwards", async () => {
      const rserve = await startRealRserve({ certPem: pki.leaf.pem, keyPem: pki.leaf.key });
      await rserve.close();
      await rserve.close();
      const code = await new Promise<string>((resolve) => {
        const socket = netConnect({ host: "127.0.0.1", port: rserve.port });
        socket.once("connect", () => { socket.destroy(); resolve("connected"); });
        socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
      });
      expect(code).to.equal("ECONNREFUSED");
    });
  });
});
