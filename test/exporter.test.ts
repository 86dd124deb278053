/**
 * `chaincheck exporter` (issue 17) over HTTP on free loopback ports: /probe answers one live check's metrics (the
 * same pipeline as `check`), parallel scrapes, the concurrency limit and its queue, the scrape-timeout cap, bad
 * targets as a clean probe_success 0, bad requests as 400, a client that goes away, /metrics, and SIGTERM on the
 * real executable. The PKI is made with openssl at test time (valid now: the exporter validates at the current time).
 */
import { expect } from "chai";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { connect } from "node:net";
import { join } from "node:path";
import { loadTrust } from "../src/app/trust.js";
import { VERSION } from "../src/cli/version.js";
import { liveCheck, type FixedSettings } from "../src/app/exporter.js";
import { startExporter, type Exporter, type ExporterOptions } from "../src/exporter/server.js";
import { Limiter } from "../src/exporter/limiter.js";
import { BadRequest, isLoopback, parseListen, parseProbeQuery, probeTimeoutMs } from "../src/exporter/request.js";
import { NO_POLICY } from "../src/policy/index.js";
import { runCli } from "./support/cli.js";
import { parseExposition, samplesOf, valueOf } from "./support/exposition.js";
import { hostile, tlsServer, type TestServer } from "./support/hostile-servers.js";
import { makeOpensslPki, pemChain, skipUnlessOpenssl, type OpensslPki } from "./support/openssl-pki.js";
import { checkMetrics, checkOpenMetricsStrict, promtoolIfPresent } from "./support/promtool.js";
import { CHAINCHECK_BIN } from "./support/bin.js";

const OM_ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

async function get(url: string, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<{ status: number; type: string; body: string; headers: Headers }> {
  const res = await fetch(url, { headers, ...init });
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: await res.text(), headers: res.headers };
}

/** Resolves once `check` is true, polling; rejects after `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("chaincheck exporter", function () {
  this.timeout(60_000);
  let pki: OpensslPki;
  let good: TestServer;
  /** When the good server accepted each connection (performance.now()). */
  let connectedAt: number[] = [];
  let fixed: FixedSettings;
  let base: Omit<ExporterOptions, "listen">;

  before(async function () {
    skipUnlessOpenssl(this);
    pki = makeOpensslPki();
    good = await tlsServer({ cert: pemChain(pki.leaf, pki.intermediate), key: pki.leaf.key }, {
      setup: (server) => server.on("connection", () => connectedAt.push(performance.now())),
    });
    const trust = await loadTrust([join(pki.dir, "root.pem")]);
    fixed = { trust, partialChain: false, warnDays: 30, policy: NO_POLICY, targetOs: "debian" };
    base = {
      check: liveCheck(fixed), trustStoreSize: trust.store.size,
      timeoutMs: 10_000, concurrency: 16, version: VERSION, nodeVersion: process.versions.node, log: () => {},
    };
  });
  after(async () => {
    await good?.close();
    pki?.cleanup();
  });

  /** An exporter with `options`, and a target that accepts connections and never answers (a stalling server). */
  async function withExporter(options: Partial<ExporterOptions>, body: (exporter: Exporter, silent: TestServer) => Promise<void>): Promise<void> {
    const silent = await hostile.silent();
    const exporter = await startExporter({ ...base, listen: { host: "127.0.0.1", port: 0 }, ...options });
    try {
      await body(exporter, silent);
    } finally {
      await exporter.close();
      await silent.close();
    }
  }

  it("GET /probe: one live check as metrics, trusted, in the format the Accept header asks for", async () => {
    await withExporter({}, async (exporter) => {
      const target = `127.0.0.1:${good.port}`;
      const text = await get(`${exporter.url}/probe?target=${target}&service=tls`);
      expect(text.status).to.equal(200);
      expect(text.type).to.equal("text/plain; version=0.0.4; charset=utf-8");
      const metrics = parseExposition(text.body);
      const id = { target, servername: "127.0.0.1", service: "tls" };
      expect(valueOf(metrics, "chaincheck_probe_success", id)).to.equal(1);
      expect(valueOf(metrics, "chaincheck_trusted", id)).to.equal(1);
      expect(samplesOf(metrics, "chaincheck_certificate_not_after_timestamp_seconds", id).map((s) => s.labels.role)).to.deep.equal(["leaf", "intermediate", "root"]);
      expect(samplesOf(metrics, "chaincheck_build_info")).to.deep.equal([]); // on /metrics, not on every probe
      expect(text.body).to.not.include("# EOF").and.not.include("# UNIT");
      const om = await get(`${exporter.url}/probe?target=${target}&service=tls`, { Accept: OM_ACCEPT });
      expect(om.type).to.equal("application/openmetrics-text; version=1.0.0; charset=utf-8");
      expect(om.body.endsWith("# EOF\n")).to.equal(true);
      expect(valueOf(parseExposition(om.body), "chaincheck_trusted", id)).to.equal(1);
      const bin = promtoolIfPresent();
      if (bin) {
        expect(checkMetrics(bin, text.body)).to.deep.equal({ code: 0, output: "" });
        expect(checkOpenMetricsStrict(bin, om.body).code).to.equal(0);
      }
    });
  });

  it("options fixed at start-up apply to every probe: --min-days turns a valid chain into a failure", async () => {
    await withExporter({ check: liveCheck({ ...fixed, policy: { ...NO_POLICY, minDays: 60 } }) }, async (exporter) => {
      const metrics = parseExposition((await get(`${exporter.url}/probe?target=127.0.0.1:${good.port}&service=tls`)).body);
      expect(valueOf(metrics, "chaincheck_trusted")).to.equal(1);
      expect(samplesOf(metrics, "chaincheck_finding", { code: "EXPIRES_TOO_SOON", severity: "error" }).length).to.be.greaterThan(0);
    });
  });

  it("each probe validates at the time it runs (the clock liveCheck reads), not at start-up", async () => {
    let clock = new Date();
    await withExporter({ check: liveCheck(fixed, () => clock) }, async (exporter) => {
      const url = `${exporter.url}/probe?target=127.0.0.1:${good.port}&service=tls`;
      expect(valueOf(parseExposition((await get(url)).body), "chaincheck_trusted")).to.equal(1);
      clock = new Date(Date.now() + 90 * 86_400_000); // the test PKI is valid for 30 days
      const later = parseExposition((await get(url)).body);
      expect(valueOf(later, "chaincheck_trusted")).to.equal(0);
      expect(valueOf(later, "chaincheck_check_timestamp_seconds")).to.equal(clock.getTime() / 1000);
      expect(samplesOf(later, "chaincheck_certificate_expires_in_seconds").every((s) => s.value < 0)).to.equal(true);
    });
  });

  it("parallel scrapes are each answered with their own complete result", async () => {
    await withExporter({}, async (exporter) => {
      const answers = await Promise.all(Array.from({ length: 10 }, () => get(`${exporter.url}/probe?target=127.0.0.1:${good.port}&service=tls`)));
      for (const a of answers) {
        expect(a.status).to.equal(200);
        const metrics = parseExposition(a.body);
        expect(valueOf(metrics, "chaincheck_trusted")).to.equal(1);
        expect(samplesOf(metrics, "chaincheck_certificate_not_after_timestamp_seconds")).to.have.length(3);
      }
      const own = parseExposition((await get(`${exporter.url}/metrics`)).body);
      expect(valueOf(own, "chaincheck_exporter_probes_total", { outcome: "success" })).to.equal(10);
      expect(valueOf(own, "chaincheck_exporter_probes_in_flight")).to.equal(0);
    });
  });

  it("--concurrency: no more probes at once than the limit; the others wait for a slot, then run", async () => {
    await withExporter({ concurrency: 2, timeoutMs: 5000 }, async (exporter, silent) => {
    connectedAt = [];
    // Two probes that hold their slot for 0.5 s (a silent server, a 1 s scrape timeout) ...
    const holders = [0, 1].map(() => get(`${exporter.url}/probe?target=127.0.0.1:${silent.port}`, { "X-Prometheus-Scrape-Timeout-Seconds": "1" }));
    await until(() => silent.accepted === 2);
    // ... and four that must wait for them.
    const waiters = [0, 1, 2, 3].map(() => get(`${exporter.url}/probe?target=127.0.0.1:${good.port}&service=tls`));
    await until(() => exporter.stats().waiting === 4);
    const busy = parseExposition((await get(`${exporter.url}/metrics`)).body);
    expect(valueOf(busy, "chaincheck_exporter_probes_in_flight")).to.equal(2);
    expect(valueOf(busy, "chaincheck_exporter_probes_waiting")).to.equal(4);
    expect(connectedAt).to.deep.equal([]); // nothing beyond the limit has started

    const held = await Promise.all(holders);
    const served = await Promise.all(waiters);
    expect(held.map((a) => valueOf(parseExposition(a.body), "chaincheck_probe_success"))).to.deep.equal([0, 0]);
    expect(served.map((a) => valueOf(parseExposition(a.body), "chaincheck_trusted"))).to.deep.equal([1, 1, 1, 1]);
    expect(connectedAt).to.have.length(4);
    expect(silent.accepted).to.equal(2);
    });
  });

  it("a request that cannot get a slot within its budget gets 503 with Retry-After, counted as busy", async () => {
    await withExporter({ concurrency: 1 }, async (exporter, silent) => {
    const holder = get(`${exporter.url}/probe?target=127.0.0.1:${silent.port}`, { "X-Prometheus-Scrape-Timeout-Seconds": "2" });
    await until(() => silent.accepted === 1);
    const refused = await get(`${exporter.url}/probe?target=127.0.0.1:${good.port}`, { "X-Prometheus-Scrape-Timeout-Seconds": "0.4" });
    expect(refused.status).to.equal(503);
    expect(refused.headers.get("retry-after")).to.equal("1");
    expect(refused.body).to.match(/^busy: 1 probes running/);
    await holder;
    expect(valueOf(parseExposition((await get(`${exporter.url}/metrics`)).body), "chaincheck_exporter_rejected_requests_total", { reason: "busy" })).to.equal(1);
    });
  });

  it("X-Prometheus-Scrape-Timeout-Seconds caps --timeout: a stalling target answers probe_success 0 well before it", async () => {
    await withExporter({ timeoutMs: 20_000 }, async (exporter, silent) => {
    const answer = await get(`${exporter.url}/probe?target=127.0.0.1:${silent.port}`, { "X-Prometheus-Scrape-Timeout-Seconds": "1.5" });
    expect(answer.status).to.equal(200);
    const metrics = parseExposition(answer.body);
    expect(valueOf(metrics, "chaincheck_probe_success")).to.equal(0);
    expect(valueOf(metrics, "chaincheck_finding", { code: "CONNECTION_TIMEOUT", severity: "error" })).to.equal(1);
    // 1.5 s less the 0.5 s kept for the answer: a 1 s probe, nowhere near the 20 s of --timeout.
    expect(valueOf(metrics, "chaincheck_check_duration_seconds")).to.be.within(0.9, 5);
    const bad = await get(`${exporter.url}/probe?target=127.0.0.1:${silent.port}`, { "X-Prometheus-Scrape-Timeout-Seconds": "soon" });
    expect(bad.status).to.equal(400);
    expect(bad.body).to.match(/X-Prometheus-Scrape-Timeout-Seconds: "soon" is not a positive number/);
    });
  });

  it("bad targets answer a clean probe_success 0 with the reason as a finding: refused, not TLS", async () => {
    const plain = await hostile.plainHttp();
    const closed = await hostile.silent();
    const closedPort = closed.port;
    await closed.close();
    try {
      await withExporter({}, async (exporter) => {
        for (const [port, code] of [[closedPort, "CONNECTION_REFUSED"], [plain.port, "NOT_TLS"]] as const) {
          const answer = await get(`${exporter.url}/probe?target=127.0.0.1:${port}`);
          expect(answer.status).to.equal(200);
          const metrics = parseExposition(answer.body);
          expect(valueOf(metrics, "chaincheck_probe_success")).to.equal(0);
          expect(valueOf(metrics, "chaincheck_trusted")).to.equal(0);
          expect(valueOf(metrics, "chaincheck_finding", { code, severity: "error" })).to.equal(1);
          const bin = promtoolIfPresent();
          if (bin) expect(checkMetrics(bin, answer.body)).to.deep.equal({ code: 0, output: "" });
        }
        const own = parseExposition((await get(`${exporter.url}/metrics`)).body);
        expect(valueOf(own, "chaincheck_exporter_probes_total", { outcome: "failure" })).to.equal(2);
      });
    } finally {
      await plain.close();
    }
  });

  it("malformed requests get 400 (nothing is probed), unknown paths 404, other methods 405", async () => {
    await withExporter({}, async (exporter) => {
      const cases: [string, RegExp][] = [
        ["/probe", /^missing target/],
        ["/probe?target=", /^missing target/],
        ["/probe?target=host:99999", /port 99999 is outside 1-65535/],
        ["/probe?target=a%20b", /contains spaces/],
        ["/probe?target=ftp://x", /unsupported scheme/],
        ["/probe?target=x&module=tls_connect", /unknown parameter "module"/],
        ["/probe?target=x&target=y", /given more than once/],
        ["/probe?target=x&service=http", /service "http" is not one of/],
        ["/probe?target=x&servername=a%0Ab", /is not a host name/],
      ];
      for (const [path, reason] of cases) {
        const answer = await get(`${exporter.url}${path}`);
        expect(answer.status, path).to.equal(400);
        expect(answer.body, path).to.match(reason);
      }
      expect((await get(`${exporter.url}/nope`)).status).to.equal(404);
      const post = await get(`${exporter.url}/probe?target=x`, {}, { method: "POST" });
      expect([post.status, post.headers.get("allow")]).to.deep.equal([405, "GET"]);
      const own = parseExposition((await get(`${exporter.url}/metrics`)).body);
      expect(valueOf(own, "chaincheck_exporter_rejected_requests_total", { reason: "bad_request" })).to.equal(cases.length);
      expect(valueOf(own, "chaincheck_exporter_probes_total", { outcome: "success" }) + valueOf(own, "chaincheck_exporter_probes_total", { outcome: "failure" })).to.equal(0);
      expect((await get(`${exporter.url}/`)).body).to.include("/probe?target=HOST:PORT");
    });
  });

  it("a scraper that goes away aborts its probe: the target's connection closes long before the timeout", async () => {
    await withExporter({ timeoutMs: 30_000 }, async (exporter, silent) => {
    const controller = new AbortController();
    const pending = get(`${exporter.url}/probe?target=127.0.0.1:${silent.port}`, {}, { signal: controller.signal }).catch((err: Error) => err);
    await until(() => silent.accepted === 1);
    controller.abort();
    expect(await pending).to.be.instanceOf(Error);
    expect(await silent.allClosed(5000)).to.equal(true);
    await until(() => exporter.stats().inFlight === 0);
    });
  });

  it("shutdown closes idle connections, also one that never sent a request, and waits for none of them", async () => {
    const exporter = await startExporter({ ...base, listen: { host: "127.0.0.1", port: 0 } });
    const idle = connect(exporter.port, "127.0.0.1");
    await new Promise((resolve) => idle.once("connect", resolve));
    const ended = new Promise((resolve) => idle.once("close", resolve));
    idle.on("error", () => {});
    await (await fetch(`${exporter.url}/metrics`)).text(); // and a kept-alive one
    // Without closing them, close() would wait for the hard stop (--timeout + 2 s = 12 s here).
    const outcome = await Promise.race([exporter.close().then(() => "closed"), new Promise((r) => setTimeout(() => r("still open after 5 s"), 5000))]);
    expect(outcome).to.equal("closed");
    await ended;
  });

  it("/metrics: the exporter's own metrics, accepted by promtool in both formats", async () => {
    await withExporter({ concurrency: 3 }, async (exporter) => {
      const text = await get(`${exporter.url}/metrics`);
      const metrics = parseExposition(text.body);
      expect(valueOf(metrics, "chaincheck_build_info", { version: VERSION })).to.equal(1);
      expect(valueOf(metrics, "chaincheck_exporter_max_concurrent_probes")).to.equal(3);
      expect(valueOf(metrics, "chaincheck_exporter_trust_store_certificates")).to.equal(1);
      expect(metrics.meta.get("chaincheck_exporter_probes_total")?.type).to.equal("counter");
      const om = await get(`${exporter.url}/metrics`, { Accept: OM_ACCEPT });
      expect(parseExposition(om.body).meta.get("chaincheck_exporter_probes")?.type).to.equal("counter");
      const bin = promtoolIfPresent();
      if (bin) {
        expect(checkMetrics(bin, text.body)).to.deep.equal({ code: 0, output: "" });
        expect(checkOpenMetricsStrict(bin, om.body).code).to.equal(0);
      }
    });
  });

  it("the executable: listens on loopback, answers, and on SIGTERM lets the probe in flight answer, then exits 0", async () => {
    const silent = await hostile.silent();
    let child: ChildProcessWithoutNullStreams | undefined;
    try {
      child = spawn(process.execPath, [CHAINCHECK_BIN, "exporter", "--listen", "127.0.0.1:0", "--ca-file", join(pki.dir, "root.pem")], { stdio: "pipe" });
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
      await until(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(stderr), 15_000);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)![1]!;
      expect(stderr).to.include("(trust: --ca-file").and.not.include("not a loopback address");
      const ok = parseExposition((await get(`${url}/probe?target=127.0.0.1:${good.port}&service=tls`)).body);
      expect(valueOf(ok, "chaincheck_trusted")).to.equal(1);
      const inFlight = get(`${url}/probe?target=127.0.0.1:${silent.port}`, { "X-Prometheus-Scrape-Timeout-Seconds": "2" });
      await until(() => silent.accepted === 1);
      child.kill("SIGTERM");
      const answer = await inFlight;
      expect(answer.status).to.equal(200);
      expect(valueOf(parseExposition(answer.body), "chaincheck_probe_success")).to.equal(0);
      expect(await exited).to.equal(0);
      expect(stderr).to.match(/SIGTERM: stopping \(1 probes in flight\)\n.*stopped\n$/s);
      const after = await fetch(`${url}/metrics`).then(() => "answered", (err: Error) => err.name);
      expect(after).to.not.equal("answered");
    } finally {
      child?.kill("SIGKILL");
      await silent.close();
    }
  });

  it("usage errors are one line and exit 2: a bad --listen, an address in use", async () => {
    const bad = await runCli(["exporter", "--listen", "localhost"]);
    expect([bad.code, bad.stderr]).to.deep.equal([2, 'chaincheck: --listen: "localhost" is not HOST:PORT (e.g. 127.0.0.1:9793 or [::1]:9793)\n']);
    const inUse = await runCli(["exporter", "--listen", `127.0.0.1:${good.port}`, "--ca-file", join(pki.dir, "root.pem")]);
    expect([inUse.code, inUse.stderr]).to.deep.equal([2, `chaincheck: --listen: cannot listen on 127.0.0.1:${good.port} (EADDRINUSE)\n`]);
    const timeout = await runCli(["exporter", "--timeout", "10"]);
    expect(timeout.code).to.equal(2);
    expect(timeout.stderr).to.match(/--timeout: expected a whole number from 100/);
  });
});

describe("exporter requests (pure parts)", () => {
  it("parseProbeQuery: target with the check command's syntax, optional servername and service", () => {
    const request = parseProbeQuery(new URLSearchParams("target=[::1]:6311&servername=rserve.corp.example&service=rserve"));
    expect(request).to.deep.include({ servername: "rserve.corp.example", service: "rserve" });
    expect(request.target).to.deep.include({ host: "::1", port: 6311, isIp: true });
    expect(parseProbeQuery(new URLSearchParams("target=tabpy.corp.example")).target.port).to.equal(9004);
    expect(() => parseProbeQuery(new URLSearchParams(`target=${"a".repeat(600)}`))).to.throw(BadRequest, /longer than 512/);
  });

  it("probeTimeoutMs: --timeout unless the scrape timeout less 0.5 s (or half of it) is shorter", () => {
    expect(probeTimeoutMs(10_000, undefined)).to.equal(10_000);
    expect(probeTimeoutMs(10_000, "10")).to.equal(9_500);
    expect(probeTimeoutMs(5_000, "10")).to.equal(5_000);
    expect(probeTimeoutMs(10_000, "0.6")).to.equal(300);
    for (const bad of ["0", "-1", "1e3", "", "abc"]) expect(() => probeTimeoutMs(10_000, bad), bad).to.throw(BadRequest);
  });

  it("parseListen and isLoopback", () => {
    expect(parseListen("127.0.0.1:9793")).to.deep.equal({ host: "127.0.0.1", port: 9793 });
    expect(parseListen("[::1]:0")).to.deep.equal({ host: "::1", port: 0 });
    for (const bad of ["9793", ":9793", "[x]:1", "host:70000", "a:b:1"]) expect(() => parseListen(bad), bad).to.throw(BadRequest);
    expect(["127.0.0.1", "127.8.9.10", "::1", "localhost"].map(isLoopback)).to.deep.equal([true, true, true, true]);
    expect(["0.0.0.0", "::", "10.0.0.1", "example.com"].map(isLoopback)).to.deep.equal([false, false, false, false]);
  });

  it("Limiter: a slot when free, a bounded queue served in order, a wait that expires", async () => {
    const limiter = new Limiter(1, 2);
    const first = await limiter.acquire(1000);
    expect(first).to.be.a("function");
    const order: string[] = [];
    const a = limiter.acquire(1000).then((r) => { order.push("a"); return r; });
    const b = limiter.acquire(1000).then((r) => { order.push("b"); return r; });
    expect(await limiter.acquire(1000)).to.equal(null); // queue full: refused at once
    expect([limiter.active, limiter.waiting]).to.deep.equal([1, 2]);
    first!();
    first!(); // a second release is a no-op
    (await a)!();
    (await b)!();
    expect(order).to.deep.equal(["a", "b"]);
    expect([limiter.active, limiter.waiting]).to.deep.equal([0, 0]);
    const hold = await limiter.acquire(0);
    expect(await limiter.acquire(10)).to.equal(null); // waited 10 ms, no slot
    hold!();
    expect(limiter.waiting).to.equal(0);
  });
});
