import { expect } from "chai";
import { probeContext } from "../src/probe/context.js";
import { describeForeign, printableText } from "../src/probe/classify.js";
import { classifyInfoResponse, parseHttpResponse, rserveInfo } from "../src/probe/service-parse.js";
import { parseTarget, TargetError } from "../src/probe/target.js";
import { probeErrorWords } from "../src/words/probe.js";

describe("probe: parseTarget", () => {
  const ok: [string, string, number, boolean, (4 | 6)?][] = [
    ["tabpy.example.com", "tabpy.example.com", 9004, false],
    ["TabPy.Example.com:9443", "tabpy.example.com", 9443, false],
    ["127.0.0.1", "127.0.0.1", 9004, true, 4],
    ["127.0.0.1:6311", "127.0.0.1", 6311, true, 4],
    ["[::1]:6311", "::1", 6311, true, 6],
    ["[::1]", "::1", 9004, true, 6],
    ["::1", "::1", 9004, true, 6],
    ["fe80::1:6311", "fe80::1:6311", 9004, true, 6],
    ["https://tabpy.example.com:9004/", "tabpy.example.com", 9004, false],
    ["https://tabpy.example.com/info?x=1", "tabpy.example.com", 443, false],
    ["HTTPS://[2001:db8::1]:8443/path", "2001:db8::1", 8443, true, 6],
    ["tls://rserve.internal:6311", "rserve.internal", 6311, false],
    ["  host_with_underscore.corp  ", "host_with_underscore.corp", 9004, false],
    ["bücher.example", "xn--bcher-kva.example", 9004, false],
  ];
  for (const [input, host, port, isIp, family] of ok) {
    it(`parses ${JSON.stringify(input)}`, () => {
      const t = parseTarget(input);
      expect({ host: t.host, port: t.port, isIp: t.isIp, family: t.family }).to.deep.equal({ host, port, isIp, family });
      expect(t.input).to.equal(input);
    });
  }

  it("uses the given default port", () => {
    expect(parseTarget("rserve.local", 6311).port).to.equal(6311);
  });

  const bad: [string, RegExp][] = [
    ["", /empty/],
    ["host:0", /outside 1-65535/],
    ["host:70000", /outside 1-65535/],
    ["host:abc", /not a number/],
    ["[::1", /unbalanced/],
    ["[127.0.0.1]:5", /not an IPv6 address/],
    ["1:2:3", /IPv6/],
    ["ftp://host", /unsupported scheme "ftp"/],
    ["https://user:pw@host/", /credentials/],
    ["bad host", /spaces/],
    ["-bad-.example", /not a valid host name/],
    ["999.1.1.1", /not a valid IPv4/],
    [":9004", /no host name/],
  ];
  for (const [input, reason] of bad) {
    it(`rejects ${JSON.stringify(input)} with one clear line`, () => {
      expect(() => parseTarget(input)).to.throw(TargetError, reason);
      try {
        parseTarget(input);
      } catch (e) {
        expect((e as TargetError).code).to.equal("BAD_TARGET");
        expect((e as Error).message).not.to.match(/\n/);
      }
    });
  }
});

describe("probe: SecureContext cache", () => {
  it("builds one context per distinct CA list", () => {
    const list = ["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"].slice(0, 0);
    expect(probeContext(list)).to.equal(probeContext(list));
    expect(probeContext([])).to.equal(probeContext(list));
    expect(probeContext()).to.equal(probeContext());
    expect(probeContext()).not.to.equal(probeContext([]));
  });
});

describe("probe: what services said", () => {
  const where = { input: "h:1", host: "h", port: 1, isIp: false };
  it("names banners with printable characters only, truncated", () => {
    expect(printableText(Buffer.from("220 \x00\x1bmail\r\n"))).to.equal("220 mail");
    expect(printableText(Buffer.from("x".repeat(100))).length).to.equal(60);
    expect(probeErrorWords(describeForeign(where, Buffer.from("SSH-2.0-OpenSSH_9.2p1\r\n"))).message).to.equal('h:1 sent a SSH banner "SSH-2.0-OpenSSH_9.2p1", not TLS');
    expect(probeErrorWords(describeForeign(where, Buffer.from("<!DOCTYPE html><html>"))).message).to.equal("h:1 speaks plain HTTP (it sent an HTML page)");
    expect(probeErrorWords(describeForeign({ ...where, host: "::1", isIp: true }, Buffer.from("220 ProFTPD Server\r\n"))).message).to.equal('[::1]:1 sent a FTP banner "220 ProFTPD Server", not TLS');
  });

  it("parses HTTP answers: content-length, incomplete, not HTTP", () => {
    const full = Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nServer: a\r\nServer: b\r\n\r\n{}");
    expect(parseHttpResponse(full, false)).to.deep.include({ status: 200, reason: "OK" });
    expect(parseHttpResponse(full, false)!.headers.get("server")).to.equal("a, b");
    expect(parseHttpResponse(full.subarray(0, full.length - 1), false)).to.equal(undefined);
    expect(parseHttpResponse(full.subarray(0, full.length - 1), true)!.body.toString()).to.equal("{");
    expect(parseHttpResponse(Buffer.from("SSH-2.0-x\r\n"), false)).to.equal(null);
  });

  it("classifies /info answers", () => {
    const res = (status: number, headers: Record<string, string>, body = "") => ({ status, reason: "", headers: new Map(Object.entries(headers)), body: Buffer.from(body) });
    expect(classifyInfoResponse(res(200, {}, '{"versions":{}}'), false).detail).to.equal("TabPy-compatible analytics extension (no server_version), authentication off");
    expect(classifyInfoResponse(res(200, {}, "[1]"), false).service).to.equal("tls");
    // Only a JSON object is TabPy's answer: whitespace around it is fine; HTML, a broken object, a BOM are not.
    expect(classifyInfoResponse(res(200, {}, ' \r\n\t{"server_version": "2.13.0"}\n '), false).detail).to.equal("TabPy 2.13.0, authentication off");
    expect(classifyInfoResponse(res(200, {}, "{}"), false).service).to.equal("tabpy");
    for (const body of ["<html><body>{}</body></html>", '{"server_version": "2.13.0"', "{", " ", "", '\ufeff{"server_version": "2.13.0"}', '{"a": 1} x']) {
      expect(classifyInfoResponse(res(200, {}, body), false).service, body).to.equal("tls");
    }
    expect(classifyInfoResponse(res(401, { "www-authenticate": 'Basic realm="other"' }), false).service).to.equal("tls");
    expect(classifyInfoResponse(res(406, {}), true)).to.deep.include({ service: "tabpy", detail: "TabPy, authentication off (credentials sent but not expected: 406)" });
  });

  it("reads Rserve ID strings", () => {
    expect(rserveInfo(Buffer.from("Rsrv0103QAP1\r\n\r\nARpt----------\r\n")).detail).to.equal("Rserve 0103 QAP1 (TLS), authentication required (plain text)");
    expect(rserveInfo(Buffer.from("Rsrv0103QA")).detail).to.match(/incomplete ID string$/);
  });
});
