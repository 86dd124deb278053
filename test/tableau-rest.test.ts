/**
 * The pure parts of `chaincheck tableau`: lenient readers for Tableau's JSON, both error body shapes and their
 * messages, the version gate, connection -> target, the server URL; and the session's quirks against the stand-in
 * (switchSite to the current site answers 403070; sign-out happens whatever fails).
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { TargetError } from "../src/probe/target.js";
import { connectionTarget, extensionConnection, hostOf, serviceFor, tableauResult } from "../src/tableau/connections.js";
import { discover } from "../src/tableau/discover.js";
import { readServerInfo, Session, type Transport } from "../src/tableau/session.js";
import { parseErrorBody, restFailure, TableauError, type FailureContext, type RestCall } from "../src/tableau/errors.js";
import { httpsTransport } from "../src/tableau/http.js";
import {
  needsDetail, parseConnectionItem, parseConnectionList, parseCredentials, parseServerInfo, parseSitesPage, ResponseShapeError,
} from "../src/tableau/responses.js";
import { parseServerUrl } from "../src/cli/server-url.js";
import { compareApiVersions, versionRefusal } from "../src/tableau/versions.js";
import { flag, integer, items } from "../src/tableau/values.js";
import { UsageError } from "../src/cli/options.js";
import type { ChainVerdict, ExtensionConnection } from "../src/result/verdict.js";
import { makeFinding } from "../src/findings/finding.js";
import { ADMIN, INTERMEDIATE_PEM, KEY_PEM, LEAF_PEM, SECRETS } from "./support/tableau-world.js";
import { startTableauStandin, type TableauStandin } from "./support/tableau-standin.js";

const CALL: RestCall = { kind: "connections", method: "GET", path: "/api/-/settings/site/extensions/analytics/connections", site: "Finance" };
const PAT: FailureContext = { auth: "pat", signedIn: true, siteContentUrl: "finance" };

describe("Tableau REST: lenient readers", () => {
  it("numbers and booleans also as strings; collections as arrays, bare objects or {}", () => {
    expect([integer("9004"), integer(9004), integer("90x4"), integer(-1), integer(1.5)]).to.deep.equal([9004, 9004, undefined, undefined, undefined]);
    expect([flag("true"), flag("FALSE"), flag(true), flag("yes")]).to.deep.equal([true, false, true, undefined]);
    expect([items([1, 2]), items({ a: 1 }), items({}), items(undefined), items(null)]).to.deep.equal([[1, 2], [{ a: 1 }], [], [], []]);
  });

  it("serverinfo: productVersion as an object or a string; a version that is not one is refused", () => {
    expect(parseServerInfo({ serverInfo: { productVersion: { value: "2022.1.5", build: "20221.22.0823.1450" }, restApiVersion: "3.15" } }))
      .to.deep.equal({ productVersion: "2022.1.5", build: "20221.22.0823.1450", restApiVersion: "3.15" });
    expect(parseServerInfo({ serverInfo: { productVersion: "2021.1", restApiVersion: "3.11" } }).productVersion).to.equal("2021.1");
    expect(() => parseServerInfo({ serverInfo: { restApiVersion: "three" } })).to.throw(ResponseShapeError);
    expect(() => parseServerInfo("<tsResponse/>")).to.throw(ResponseShapeError, 'no "serverInfo"');
  });

  it("credentials: the default site's contentUrl may be missing; a missing token is an error that does not echo the body", () => {
    expect(parseCredentials({ credentials: { token: "t", site: { id: "s" }, user: { id: "u" } } })).to.deep.equal({ token: "t", siteId: "s", siteContentUrl: "", userId: "u" });
    expect(() => parseCredentials({ credentials: { site: { id: "s", contentUrl: SECRETS.adminPat } } })).to.throw(ResponseShapeError, "no session token")
      .with.property("message").that.does.not.include(SECRETS.adminPat);
  });

  it("Query Sites: string pagination, {} for an empty page, a bare object for one site", () => {
    const one = parseSitesPage({ pagination: { pageNumber: "2", pageSize: "1", totalAvailable: "3" }, sites: { site: { id: "a", name: "A", contentUrl: "a", state: "Active" } } });
    expect(one).to.deep.equal({ sites: [{ id: "a", name: "A", contentUrl: "a", state: "Active" }], pageNumber: 2, pageSize: 1, totalAvailable: 3 });
    expect(parseSitesPage({ pagination: { pageNumber: "4", pageSize: "1", totalAvailable: "3" }, sites: {} }).sites).to.deep.equal([]);
  });

  it("connection lists: both keys, both item shapes, {} as empty; password never read", () => {
    const full = { connection_luid: "c1", host: "h", port: "9004", is_ssl_enabled: "true", is_auth_enabled: true, username: "svc", password: "p4ss", connection_brief: { connection_name: "N", connection_type: "TABPY" } };
    const [a] = parseConnectionList({ connectionList: [full] });
    expect(a).to.deep.equal({ id: "c1", name: "N", type: "TABPY", host: "h", port: 9004, ssl: true, authentication: true, username: "svc" });
    expect(JSON.stringify(a)).to.not.include("p4ss");
    expect(needsDetail(a!)).to.equal(false);
    const [b] = parseConnectionList({ connectionMetadataList: [{ connection_luid: "c2", connection_brief: { connection_name: "M", connection_type: "RSERVE" } }] });
    expect([b!.host, b!.port, needsDetail(b!)]).to.deep.equal([null, null, true]);
    expect(parseConnectionList({})).to.deep.equal([]);
    expect(parseConnectionList({ connectionList: {} })).to.deep.equal([]);
    expect(parseConnectionItem(full).port).to.equal(9004);
    expect(() => parseConnectionList({ connectionList: [{ host: "x" }] })).to.throw(ResponseShapeError, "connection_luid");
  });
});

describe("Tableau REST: errors", () => {
  it("reads both documented error body shapes", () => {
    expect(parseErrorBody({ error: { summary: "Signin Error", detail: "Error signing in to Tableau Server", code: "401001" } }))
      .to.deep.equal({ code: "401001", summary: "Signin Error", detail: "Error signing in to Tableau Server" });
    expect(parseErrorBody({ httpErrorCode: "403", message: "Server or site administrator permissions are required" }))
      .to.deep.equal({ code: "403", summary: null, detail: "Server or site administrator permissions are required" });
    expect(parseErrorBody("<html>bad gateway</html>")).to.deep.equal({ code: null, summary: null, detail: null });
    expect(parseErrorBody({ error: { code: "500000", detail: "a\u001b[2Jb\nc" } }).detail).to.equal("a [2Jb c");
  });

  const message = (status: number, body: unknown, call: RestCall = CALL, context = PAT) => restFailure(call, status, body, context);

  it("401001 at sign-in: check the credentials and the site (refused, exit 2)", () => {
    const e = message(401, { error: { code: "401001", summary: "Signin Error", detail: "Error signing in to Tableau Server" } }, { kind: "signin", method: "POST", path: "/api/3.19/auth/signin" }, { ...PAT, signedIn: false });
    expect(e.kind).to.equal("refused");
    expect(e.message).to.include('Tableau rejected the sign-in (401001 Signin Error: Error signing in to Tableau Server): check the token name and secret');
    expect(e.message).to.include('--site "finance"');
    expect(e.answer).to.deep.equal({ status: 401, code: "401001" });
  });

  it("401002 after sign-in: one session per PAT; for a password, the session ended (unavailable, exit 3)", () => {
    const body = { error: { code: "401002", summary: "Unauthorized Access", detail: "Invalid authentication credentials were provided." } };
    expect(message(401, body).message).to.include("a personal access token allows one session at a time");
    expect(message(401, body).kind).to.equal("unavailable");
    expect(message(401, body, CALL, { ...PAT, auth: "password" }).message).to.include("the session expired or was ended on the server");
  });

  it("403, 404, 406, 429, 5xx and anything else get words that name the call", () => {
    const sites: RestCall = { kind: "sites", method: "GET", path: "/api/3.19/sites?pageSize=100&pageNumber=1" };
    expect(message(403, { error: { code: "403014", summary: "Forbidden", detail: "x" } }, sites).message).to.match(/^--all-sites needs a server administrator/);
    expect(message(403, { httpErrorCode: "403", message: "m" }).message).to.include("needs a site administrator of that site or a server administrator");
    expect(message(404, { httpErrorCode: "404", message: "Not found" }).message).to.include("this server has no analytics extension REST calls");
    expect(message(406, { error: { code: "406000", summary: "Not Acceptable", detail: "Content type 'text/xml' not supported" } }).message)
      .to.include("refused the request's format").and.include("406000");
    expect(message(429, { error: { code: "429000", summary: "Too Many Requests", detail: "slow" } }).message).to.include("limiting the request rate");
    expect(message(503, null).message).to.equal('Tableau Server failed to list the analytics extension connections of site "Finance" (HTTP 503); see its logs, then run again');
    expect(message(302, null).message).to.include("Tableau answered HTTP 302 when chaincheck tried to list");
  });
});

describe("Tableau REST: versions", () => {
  const info = (restApiVersion: string, productVersion: string | null = null) => ({ restApiVersion, productVersion, build: null });
  it("compares numerically and gates at 3.11", () => {
    expect(compareApiVersions("3.9", "3.11")).to.be.lessThan(0);
    expect(compareApiVersions("3.11", "3.11")).to.equal(0);
    expect(versionRefusal(info("3.11"))).to.equal(null);
    expect(versionRefusal(info("3.29"))).to.equal(null);
  });
  it("2020.2 to 2020.4: the web UI per site; older: TSM", () => {
    expect(versionRefusal(info("3.10"))).to.include("Tableau Server 2020.4 (REST API 3.10)").and.include("Settings > Extensions on each site");
    expect(versionRefusal(info("3.8"))).to.include("2020.2");
    expect(versionRefusal(info("3.7"))).to.include("Before 2020.2").and.include("tsm configuration get -k vizqlserver.extsvc.port");
    expect(versionRefusal(info("2.8", "10.5.3"))).to.include("Tableau Server 10.5.3 (REST API 2.8)");
  });
});

describe("Tableau connection -> target", () => {
  const conn = (over: Partial<ExtensionConnection> = {}): ExtensionConnection => ({ id: "c", name: "N", type: "TABPY", host: "tabpy.corp.example", port: 9004, ssl: true, authentication: false, ...over });

  it("connection_type -> service: TABPY, RSERVE, everything else TLS", () => {
    expect(["TABPY", "RSERVE", "rserve", "EINSTEIN_DISCOVERY", "GENERIC_API", "SOMETHING_NEW"].map(serviceFor)).to.deep.equal(["tabpy", "rserve", "rserve", "tls", "tls", "tls"]);
  });

  it("hosts with a path, a scheme, a port, brackets, a bare IPv6 address", () => {
    expect(["tabpy.corp.example/v1/x", "https://tabpy.corp.example:9004/p", "tabpy.corp.example:9004", "[2001:db8::1]:9004", "2001:db8::1", "https://[::1]/p", "::1/p"].map(hostOf))
      .to.deep.equal(["tabpy.corp.example", "tabpy.corp.example", "tabpy.corp.example", "2001:db8::1", "2001:db8::1", "::1", "::1"]);
    expect(connectionTarget(conn({ host: "[2001:db8::1]", port: 6311 }))).to.deep.include({ host: "2001:db8::1", port: 6311, isIp: true, family: 6, input: "[2001:db8::1]" });
    expect(connectionTarget(conn({ host: "tabpy.corp.example/v1" }))).to.deep.include({ host: "tabpy.corp.example", port: 9004, isIp: false });
    expect(() => connectionTarget(conn({ host: "bad host" }))).to.throw(TargetError);
  });

  it("a missing host is a note; a missing port falls back to the service's default, and says so", () => {
    const entry = { id: "e", name: "Einstein", type: "EINSTEIN_DISCOVERY", host: null, port: null, ssl: null, authentication: null, username: null };
    expect(extensionConnection(entry)).to.deep.equal({ note: 'connection "Einstein" (EINSTEIN_DISCOVERY) has no host in Tableau, so there is nothing to probe' });
    const r = extensionConnection({ ...entry, name: "R", type: "RSERVE", host: "r.corp.example" });
    expect(r).to.deep.equal({
      connection: { id: "e", name: "R", type: "RSERVE", host: "r.corp.example", port: 6311, ssl: false, authentication: false },
      note: 'connection "R" (RSERVE) has no port in Tableau; chaincheck probes 6311, the default',
    });
  });

  it("a result without a chain stays 'could not be checked' unless a Tableau finding is an error", () => {
    const errorResult = { status: "error", trusted: false, headline: "NOT_TLS", findings: [makeFinding("NOT_TLS", null, { kind: "html", endpoint: "t:1" })] } as unknown as ChainVerdict;
    const site = { id: "s", name: "S", contentUrl: "s" };
    const warn = makeFinding("TABLEAU_SSL_DISABLED", null, { connection: "N", site: "S", authentication: false });
    const err = makeFinding("TABLEAU_SSL_DISABLED", null, { connection: "N", site: "S", authentication: true });
    expect([warn.severity, err.severity]).to.deep.equal(["warning", "error"]);
    expect(tableauResult(errorResult, site, conn({ ssl: false }), [warn])).to.deep.include({ status: "error", headline: "NOT_TLS" });
    expect(tableauResult(errorResult, site, conn({ ssl: false, authentication: true }), [err]).status).to.equal("fail");
  });
});

describe("Tableau server URL", () => {
  it("https assumed; http, other schemes and credentials refused", () => {
    expect(parseServerUrl("tableau.corp.example").href).to.equal("https://tableau.corp.example/");
    expect(parseServerUrl("https://tableau.corp.example:8443/prefix/?x=1#y").href).to.equal("https://tableau.corp.example:8443/prefix/");
    for (const bad of ["http://tableau.corp.example", "ftp://x", "https://u:p@x", "https://"]) expect(() => parseServerUrl(bad), bad).to.throw(UsageError);
  });
});

describe("Tableau session against the stand-in", function () {
  this.timeout(20_000);
  let standin: TableauStandin;
  const sites = [
    { id: "s-default", name: "Default", contentUrl: "", extensionsEnabled: true, connections: [] },
    { id: "s-fin", name: "Finance", contentUrl: "finance", extensionsEnabled: true, connections: [] },
  ];
  const transport = () => httpsTransport({ base: new URL(standin.url), ca: [readFileSync("fixtures/ca/root.pem", "utf8")], caDescription: "test root", timeoutMs: 5000, userAgent: "test" });

  before(async () => {
    standin = await startTableauStandin({ certPem: LEAF_PEM + INTERMEDIATE_PEM, keyPem: KEY_PEM, sites, users: [ADMIN] });
  });
  after(() => standin.close());

  it("switchSite to the site already signed in to answers 403070, which is not an error", async () => {
    const t = transport();
    try {
      const server = await readServerInfo(t);
      const session = new Session(t, server, { signIn: { kind: "pat", name: ADMIN.pat!.name, secret: ADMIN.pat!.secret }, site: "finance" });
      await session.signIn();
      const siteBefore = session.current.siteId;
      const tokensBefore = standin.issuedTokens.length;
      // Same site under another id: chaincheck asks, Tableau says "already there" (403070).
      await session.switchTo({ id: "other-id", name: "Finance", contentUrl: "finance", state: null });
      const last = standin.requests.at(-1)!;
      expect(last.path).to.equal("/api/3.19/auth/switchSite");
      expect(last.body).to.deep.equal({ site: { contentUrl: "finance" } });
      expect([session.current.siteId, standin.issuedTokens.length]).to.deep.equal([siteBefore, tokensBefore]);
      await session.switchTo({ id: "s-default", name: "Default", contentUrl: "", state: null });
      expect(session.current.siteId).to.equal("s-default");
      expect(await session.signOut()).to.equal(null);
      expect(standin.openSessions()).to.equal(0);
    } finally {
      t.close();
    }
  });

  it("sign-out happens when a call fails, and a failed sign-out is reported, never thrown", async () => {
    let signOuts = 0;
    const failing: Transport = {
      send: async (req) => {
        if (req.call.kind === "serverinfo") return { status: 200, body: { serverInfo: { restApiVersion: "3.19" } } };
        if (req.call.kind === "signin") return { status: 200, body: { credentials: { token: "tok", site: { id: "s" } } } };
        if (req.call.kind === "signout") {
          signOuts++;
          throw new TableauError("connection reset", "unavailable");
        }
        return { status: 500, body: null };
      },
    };
    const notes: string[] = [];
    const run = discover(failing, { signIn: { kind: "password", user: "u", password: "p" }, site: "", allSites: false, onSignOutFailure: (n) => notes.push(n) });
    await run.then(() => expect.fail("should reject"), (err: unknown) => expect((err as Error).message).to.include("Tableau Server failed"));
    expect(signOuts).to.equal(1);
    expect(notes).to.deep.equal(["sign-out failed (connection reset); the session ends when Tableau expires it"]);
  });
});
