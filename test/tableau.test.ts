/**
 * `chaincheck tableau SERVER_URL` end to end, through the CLI, against the stand-in Tableau REST API: several sites
 * (TabPy with its full chain, Rserve leaf-only, Require SSL off with sign-in on, extensions disabled, an Einstein
 * Discovery connection without a host, an empty site), both connection-list shapes, pagination, every output format,
 * the refusals (site administrator with --all-sites, a viewer, a wrong or ended token, a server too old, an untrusted
 * Tableau certificate, a stalled call, rate limiting), Ctrl-C, and no secret anywhere.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import type { ChainResult } from "../src/result/verdict.js";
import { runCli, type CliRun } from "./support/cli.js";
import { hostile, tlsServer, type TestServer } from "./support/hostile-servers.js";
import { skipUnlessRserve, startRealRserve, type RealRserve } from "./support/rserve.js";
import type { StandinOptions, TableauStandin } from "./support/tableau-standin.js";
import {
  ADMIN, ENV, forbiddenStrings, INTERMEDIATE, INTERMEDIATE_PEM, KEY_PEM, LEAF_PEM, OTHER_ROOT, ROOT, SECRETS, SITE_ADMIN,
  startStandin, startWorld, VIEWER, type World,
} from "./support/tableau-world.js";
import { children, parseXml } from "./support/xml.js";
import { CHAINCHECK_BIN } from "./support/bin.js";

const ADMIN_PAT = ["--token-name", "chaincheck-ci", "--token-secret-env", "ADMIN_PAT"];
const AT = ["--at", "2030-01-01T00:00:00Z", "--target-os", "debian"];

interface Report {
  readonly results: ChainResult[];
}

function expectNoSecret(standin: TableauStandin, ...texts: string[]): void {
  const all = texts.join("\n");
  for (const secret of forbiddenStrings(standin)) expect(all, "a secret or session token was shown").to.not.include(secret);
  expect(all).to.not.match(/personalAccessTokenSecret|X-Tableau-Auth/i);
}

/** The stand-in was really given the secret and really sent the connection password: the greps above mean something. */
function expectSecretsWereInPlay(standin: TableauStandin): void {
  const signin = standin.requests.find((r) => r.path.endsWith("/auth/signin"))!;
  expect(JSON.stringify(signin.body)).to.include(SECRETS.adminPat);
  expect(standin.issuedTokens.length).to.be.greaterThan(0);
}

describe("chaincheck tableau (stand-in Tableau Server)", function () {
  this.timeout(30_000);
  let world: World;
  const running: { close(): Promise<void> }[] = [];
  let tmp: string;

  before(async () => {
    world = await startWorld();
    tmp = await mkdtemp(join(tmpdir(), "chaincheck-tableau-"));
  });
  after(async () => {
    await world.close();
    await rm(tmp, { recursive: true, force: true });
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });

  async function standin(overrides: Partial<StandinOptions> = {}): Promise<TableauStandin> {
    const s = await startStandin(world, overrides);
    running.push(s);
    return s;
  }

  const tableau = (s: TableauStandin, ...args: string[]): Promise<CliRun> =>
    runCli(["tableau", s.url, "--ca-file", ROOT, ...AT, ...args], { env: ENV });

  async function json(s: TableauStandin, ...args: string[]): Promise<{ run: CliRun; results: ChainResult[] }> {
    const run = await tableau(s, ...args, "--format", "json");
    expect(run.stdout, run.stderr).to.not.equal("");
    return { run, results: (JSON.parse(run.stdout) as Report).results };
  }

  const byName = (results: readonly ChainResult[], name: string): ChainResult => {
    const found = results.find((r) => r.extensionConnection?.name === name);
    expect(found, name).to.not.equal(undefined);
    return found!;
  };

  describe("--all-sites as a server administrator", () => {
    it("text: grouped by site in Tableau's order, each connection with its Tableau settings; signed out", async () => {
      const s = await standin();
      const run = await tableau(s, ...ADMIN_PAT, "--all-sites");
      expect(run.code, run.stderr).to.equal(1);
      const out = run.stdout;
      expect(out).to.match(/^Tableau Server 2023\.1\.0 \(REST API 3\.19\) at https:\/\/127\.0\.0\.1:\d+: 5 sites, 5 connections; analytics extensions enabled for the server/);
      const order = ["Default", "Finance", "Marketing", "Lab", "Empty"].map((n) => out.indexOf(`Site "${n}"`));
      expect(order.every((i) => i >= 0), out).to.equal(true);
      expect([...order].sort((a, b) => a - b)).to.deep.equal(order);
      expect(out).to.include('Site "Marketing" (contentUrl "marketing"): analytics extensions disabled, 1 connection');
      expect(out).to.include('Site "Empty" (contentUrl "empty"): analytics extensions enabled, 0 connections');
      expect(out).to.include('note: connection "Finance Einstein" (EINSTEIN_DISCOVERY) has no host in Tableau');
      expect(out.replace(/\s+/g, " ")).to.match(/Connection "Finance TabPy" \(TABPY\) as Tableau has it: host localhost\/predict, port \d+, Require SSL on, sign-in on \(user svc\)/);
      // Each connection's report sits under its site.
      const finance = out.slice(order[1], order[2]);
      expect(finance).to.match(/localhost:\d+ \(TabPy\)\s+PASS/);
      expect(finance).to.match(/localhost:\d+ \(Rserve\)\s+FAIL\s+not trusted: Issuer not found \(ISSUER_NOT_FOUND\)/);
      expect(out.slice(order[3], order[4])).to.match(/ERROR\s+TABLEAU_SSL_DISABLED/);
      expect(out.slice(order[2], order[3])).to.match(/WARN\s+TABLEAU_EXTENSIONS_DISABLED/);
      // Signed out once, with the session's last token (switchSite hands out a new one per site).
      expect(s.openSessions()).to.equal(0);
      expect(s.signedOut).to.deep.equal([s.issuedTokens.at(-1)]);
      expect(s.requests.filter((r) => r.path.endsWith("/auth/switchSite")).length).to.equal(4);
      expect(s.requests.at(-1)!.path).to.match(/\/auth\/signout$/);
      expectSecretsWereInPlay(s);
      expectNoSecret(s, run.stdout, run.stderr);
    });

    it("JSON: site and extensionConnection on each result; each connection judged as Tableau connects", async () => {
      const s = await standin();
      const { run, results } = await json(s, ...ADMIN_PAT, "--all-sites");
      expect(run.code).to.equal(1);
      expect(results.map((r) => [r.site?.name, r.extensionConnection?.name])).to.deep.equal([
        ["Default", "Prod TabPy"], ["Finance", "Finance TabPy"], ["Finance", "Finance Rserve"], ["Marketing", "Old TabPy"], ["Lab", "Lab TabPy"],
      ]);
      expect(results[0]!.site).to.deep.equal({ id: "site-default", name: "Default", contentUrl: "" });

      const prod = byName(results, "Prod TabPy");
      expect([prod.service, prod.status, prod.chainKind, prod.trusted]).to.deep.equal(["tabpy", "pass", "full", true]);
      expect(prod.extensionConnection).to.deep.equal({ id: "c-default-tabpy", name: "Prod TabPy", type: "TABPY", host: "127.0.0.1", port: world.tabpy.port, ssl: true, authentication: false });

      // Sign-in configured in Tableau: TabPy's 401 is expected, the setup names the configured user.
      const fin = byName(results, "Finance TabPy");
      expect(fin.status).to.equal("pass");
      expect(fin.host).to.equal("localhost");
      expect(fin.extensionConnection).to.deep.include({ host: "localhost/predict", authentication: true, username: "svc" });
      expect(fin.findings.map((f) => f.code)).to.not.include("AUTH_REQUIRED");
      expect(fin.tableau).to.deep.include({ signIn: true, username: "svc", connectionType: "TabPy/External API" });

      const rserve = byName(results, "Finance Rserve");
      expect([rserve.service, rserve.chainKind, rserve.status, rserve.headline]).to.deep.equal(["rserve", "leaf-only", "fail", "ISSUER_NOT_FOUND"]);
      expect(rserve.remediation.install.map((i) => i.role)).to.deep.equal(["intermediate"]);

      const old = byName(results, "Old TabPy");
      expect([old.status, old.trusted]).to.deep.equal(["warn", true]);
      expect(old.findings.map((f) => [f.code, f.severity])).to.deep.equal([["TABLEAU_EXTENSIONS_DISABLED", "warning"]]);

      const lab = byName(results, "Lab TabPy");
      expect([lab.status, lab.trusted, lab.headline]).to.deep.equal(["fail", true, "TABLEAU_SSL_DISABLED"]);
      expect(lab.findings.find((f) => f.code === "TABLEAU_SSL_DISABLED")!.severity).to.equal("error");
      expect(lab.findings.find((f) => f.code === "TABLEAU_SSL_DISABLED")!.message).to.include("user name and password in clear");

      // No password field anywhere, though the stand-in sent one for two connections.
      for (const r of results) expect(Object.keys(r.extensionConnection!)).to.not.include("password");
      expect(run.stderr).to.match(/^chaincheck: Tableau Server 2023\.1\.0 \(REST API 3\.19\) at https:\/\/127\.0\.0\.1:\d+: 5 sites, 5 connections/);
      expect(run.stderr).to.include('chaincheck: note: site "Finance": connection "Finance Einstein" (EINSTEIN_DISCOVERY) has no host');
      expectNoSecret(s, run.stdout, run.stderr);
    });

    it("JSON validates against docs/report.schema.json (strict)", async () => {
      const s = await standin();
      const { run } = await json(s, ...ADMIN_PAT, "--all-sites");
      const ajv = new Ajv2020.default({ strict: true, allErrors: true });
      const validate = ajv.compile(JSON.parse(readFileSync("docs/report.schema.json", "utf8")) as object);
      expect(validate(JSON.parse(run.stdout)), JSON.stringify(validate.errors?.slice(0, 3))).to.equal(true);
    });

    it("JUnit: one testsuite per site, test cases named after the connections, well-formed", async () => {
      const s = await standin();
      const run = await tableau(s, ...ADMIN_PAT, "--all-sites", "--format", "junit");
      expect(run.code).to.equal(1);
      const root = parseXml(run.stdout);
      const suites = children(root, "testsuite");
      expect(suites.map((x) => x.attrs.name)).to.deep.equal(['chaincheck tableau site "Default"', 'chaincheck tableau site "Finance"', 'chaincheck tableau site "Marketing"', 'chaincheck tableau site "Lab"']);
      expect(suites.map((x) => [x.attrs.tests, x.attrs.failures])).to.deep.equal([["1", "0"], ["2", "1"], ["1", "0"], ["1", "1"]]);
      expect(root.attrs.tests).to.equal("5");
      const finance = children(suites[1]!, "testcase");
      expect(finance[1]!.attrs.name).to.match(/^Finance Rserve \(localhost:\d+\)$/);
      expect(children(finance[1]!, "failure")[0]!.attrs.type).to.equal("ISSUER_NOT_FOUND");
      expect(children(children(suites[1]!, "properties")[0]!, "property").map((p) => [p.attrs.name, p.attrs.value])).to.deep.include(["tableau.site.contentUrl", "finance"]);
      expectNoSecret(s, run.stdout, run.stderr);
    });

    it("SARIF: one result per finding, carrying the site and the connection", async () => {
      const s = await standin();
      const run = await tableau(s, ...ADMIN_PAT, "--all-sites", "--format", "sarif");
      const log = JSON.parse(run.stdout) as { runs: { results: { ruleId: string; level: string; properties: { tableauSite?: string; tableauConnection?: string } }[] }[] };
      const ssl = log.runs[0]!.results.find((r) => r.ruleId === "TABLEAU_SSL_DISABLED")!;
      expect([ssl.level, ssl.properties.tableauSite, ssl.properties.tableauConnection]).to.deep.equal(["error", "Lab", "Lab TabPy"]);
      expect(log.runs[0]!.results.every((r) => r.properties.tableauSite !== undefined)).to.equal(true);
      expectNoSecret(s, run.stdout, run.stderr);
    });

    it("--quiet: one line per connection under a # line per site", async () => {
      const s = await standin();
      const run = await tableau(s, ...ADMIN_PAT, "--all-sites", "--quiet");
      const lines = run.stdout.trimEnd().split("\n");
      expect(lines[0]).to.match(/^# Tableau Server 2023\.1\.0/);
      expect(lines.filter((l) => l.startsWith("# Site ")).length).to.equal(5);
      expect(lines.filter((l) => !l.startsWith("#")).map((l) => l.split(/\s+/)[1])).to.deep.equal(["PASS", "PASS", "FAIL", "WARN", "FAIL"]);
    });

    it("--output, --report (JSON and HTML) and --save-anchors: the secrets are in none of the files", async () => {
      const s = await standin();
      const [output, report, page, anchors] = ["out.txt", "support.json", "support.html", "anchors"].map((f) => join(tmp, f));
      const run = await tableau(s, ...ADMIN_PAT, "--all-sites", "--output", output!, "--report", report!, "--save-anchors", anchors!, "--intermediates", INTERMEDIATE);
      expect(run.code).to.equal(1);
      const run2 = await tableau(s, ...ADMIN_PAT, "--all-sites", "--report", page!, "--quiet");
      // Only the leaf-only Rserve connection needs something installed: the intermediate its chain lacks.
      const saved = (await readdir(anchors!)).sort();
      expect(saved).to.have.length(2);
      expect(saved).to.include("install-anchors.sh");
      const crt = saved.find((f) => f.endsWith(".crt"))!;
      expect(await readFile(join(anchors!, crt), "utf8")).to.equal(INTERMEDIATE_PEM.replace(/\r\n/g, "\n"));
      const files = await Promise.all([output, report, page, ...saved.map((f) => join(anchors!, f))].map((f) => readFile(f!, "utf8")));
      expect(files[0]).to.include('Site "Finance" (contentUrl "finance")');
      const support = JSON.parse(files[1]!) as Report;
      expect(support.results.map((r) => r.site?.contentUrl)).to.deep.equal(["", "finance", "finance", "marketing", "lab"]);
      expect(files[2]).to.include("<html");
      expect(run.stdout.trimEnd().split("\n").length).to.equal(6); // one line per connection + totals
      expectNoSecret(s, run.stdout, run.stderr, run2.stdout, run2.stderr, ...files);
    });
  });

  describe("the REST contract's variants", () => {
    it("connectionMetadataList (id + brief only): details fetched per connection; ports as strings; paginated sites", async () => {
      const s = await standin({ listKey: "connectionMetadataList", portsAsStrings: true, maxPageSize: 2 });
      const { run, results } = await json(s, ...ADMIN_PAT, "--all-sites");
      expect(run.code).to.equal(1);
      expect(results.map((r) => `${r.site?.name}/${r.extensionConnection?.name}/${r.status}`)).to.deep.equal([
        "Default/Prod TabPy/pass", "Finance/Finance TabPy/pass", "Finance/Finance Rserve/fail", "Marketing/Old TabPy/warn", "Lab/Lab TabPy/fail",
      ]);
      expect(byName(results, "Finance TabPy").extensionConnection!.port).to.equal(world.tabpyAuth.port);
      const paths = s.requests.map((r) => r.path);
      expect(paths.filter((p) => /\/connections\/c-/.test(p)).length).to.equal(6); // every connection, Einstein included
      const pages = s.requests.filter((r) => r.path.endsWith("/sites")).length;
      expect(pages).to.equal(3);
      expect(s.openSessions()).to.equal(0);
    });

    it("analytics extensions disabled for the whole server; a suspended site is skipped and said so", async () => {
      const sites = [...world.sites.slice(0, 2), { ...world.sites[2]!, state: "Suspended" as const }];
      const s = await standin({ serverExtensionsEnabled: false, sites });
      const { run, results } = await json(s, ...ADMIN_PAT, "--all-sites");
      expect(results.map((r) => r.site?.name)).to.deep.equal(["Default", "Finance", "Finance"]);
      for (const r of results) {
        const f = r.findings.find((x) => x.code === "TABLEAU_EXTENSIONS_DISABLED")!;
        expect(f.message, r.extensionConnection?.name).to.match(/^Analytics extensions are disabled for the whole server/);
      }
      expect(run.stderr).to.include("analytics extensions disabled for the server");
      expect(run.stderr).to.include('chaincheck: note: site "Marketing" is suspended: not checked');
      expect(s.requests.filter((r) => r.path.endsWith("/auth/switchSite")).length).to.equal(1);
    });

    it("asks for JSON on every call and sends the session token only in X-Tableau-Auth", async () => {
      const s = await standin();
      await tableau(s, ...ADMIN_PAT, "--site", "finance");
      for (const r of s.requests) expect(r.accept, r.path).to.equal("application/json");
      const afterSignIn = s.requests.slice(2);
      expect(afterSignIn.every((r) => r.token !== undefined && s.issuedTokens.includes(r.token))).to.equal(true);
      expect(s.requests[0]!.path).to.equal("/api/2.4/serverinfo");
      expect(s.requests[0]!.token).to.equal(undefined);
    });
  });

  describe("one site, and who may read what", () => {
    it("a site administrator on its own site (password sign-in): the site's connections; the server state is unknown", async () => {
      const s = await standin();
      const { run, results } = await json(s, "--site", "finance", "--user", SITE_ADMIN.name, "--password-env", "FIN_PASSWORD");
      expect(run.code).to.equal(1);
      expect(results.map((r) => r.extensionConnection?.name)).to.deep.equal(["Finance TabPy", "Finance Rserve"]);
      expect(results[0]!.site).to.deep.equal({ id: "site-finance", name: "Finance", contentUrl: "finance" });
      expect(run.stderr).to.include("whether analytics extensions are enabled for the whole server is not known");
      expect(s.requests.some((r) => r.path.endsWith("/auth/switchSite"))).to.equal(false);
      expect(s.openSessions()).to.equal(0);
      expectNoSecret(s, run.stdout, run.stderr);
    });

    it("a site administrator with --all-sites: refused as server-admin only, exit 2, signed out", async () => {
      const s = await standin();
      const run = await tableau(s, "--site", "finance", "--token-name", "fin-pat", "--token-secret-env", "FIN_PAT", "--all-sites");
      expect(run.code).to.equal(2);
      expect(run.stdout).to.equal("");
      expect(run.stderr).to.match(/^chaincheck: --all-sites needs a server administrator: Tableau refused to list the sites \(403014 Forbidden: Only server administrators may query all sites\.\)\. Sign in as a server administrator, or leave out --all-sites/);
      expect(s.openSessions()).to.equal(0);
      expect(s.signedOut.length).to.equal(1);
      expectNoSecret(s, run.stdout, run.stderr);
    });

    it("a viewer: reading the connections needs a site or server administrator (exit 2)", async () => {
      const s = await standin();
      const run = await runCli(["tableau", s.url, "--ca-file", ROOT, "--site", "finance", "--user", VIEWER.name, "--password-env", "PW"], { env: { PW: VIEWER.password! } });
      expect(run.code).to.equal(2);
      // A viewer may not read the site either: its name falls back to the contentUrl.
      expect(run.stderr).to.include('Tableau refused to read whether analytics extensions are enabled on site "finance" (403 Server or site administrator permissions are required)');
      expect(run.stderr).to.include("needs a site administrator of that site or a server administrator");
      expect(s.openSessions()).to.equal(0);
    });

    it("a site with analytics extensions disabled, alone: a warning, exit 0; 1 under --fail-on warning", async () => {
      const s = await standin();
      expect((await tableau(s, ...ADMIN_PAT, "--site", "marketing")).code).to.equal(0);
      expect((await tableau(s, ...ADMIN_PAT, "--site", "marketing", "--fail-on", "warning")).code).to.equal(1);
    });

    it("gates apply as for check: --min-days fails every certificate closer to expiry", async () => {
      const s = await standin();
      const { run, results } = await json(s, ...ADMIN_PAT, "--site", "", "--min-days", "9000");
      expect(run.code).to.equal(1);
      expect(results[0]!.findings.map((f) => f.code)).to.include("EXPIRES_TOO_SOON");
    });

    it("a site without connections: exit 0, the site line says so", async () => {
      const s = await standin();
      const run = await tableau(s, ...ADMIN_PAT, "--site", "empty");
      expect(run.code).to.equal(0);
      expect(run.stdout).to.include('Site "Empty" (contentUrl "empty"): analytics extensions enabled, 0 connections');
    });
  });

  describe("sessions and refusals", () => {
    it("a wrong token secret: Tableau's 401001, exit 2, nothing to sign out", async () => {
      const s = await standin();
      const run = await runCli(["tableau", s.url, "--ca-file", ROOT, ...ADMIN_PAT], { env: { ADMIN_PAT: "wrong-secret" } });
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/^chaincheck: Tableau rejected the sign-in \(401001 Signin Error: Error signing in to Tableau Server\): check the token name and secret/);
      expect(s.signedOut).to.deep.equal([]);
      expect(run.stderr).to.not.include("wrong-secret");
    });

    it("the same PAT signs in elsewhere meanwhile: 401002 explained as one session per token, exit 3", async () => {
      const s = await standin();
      // Another client signs in with the same token while chaincheck lists the connections.
      s.beforeAnswer(/GET .*\/connections$/, () => signInElsewhere(s.port, ADMIN.pat!));
      const run = await tableau(s, ...ADMIN_PAT);
      expect(run.code).to.equal(3);
      expect(run.stderr).to.match(/Tableau ended the session while chaincheck tried to list the analytics extension connections of site "Default" \(401 Invalid authentication credentials were provided\.\): a personal access token allows one session at a time/);
      expectNoSecret(s, run.stdout, run.stderr);
    });

    it("an expired session with a password sign-in: ended, run again (exit 3)", async () => {
      const s = await standin();
      s.beforeAnswer(/GET \/api\/3\.19\/sites\//, () => s.expireSessions());
      const run = await tableau(s, "--site", "finance", "--user", SITE_ADMIN.name, "--password-env", "FIN_PASSWORD");
      expect(run.code).to.equal(3);
      expect(run.stderr).to.include("Tableau ended the session while chaincheck tried to read the site (401002 Unauthorized Access: Invalid authentication credentials were provided.): the session expired");
    });

    for (const [version, product, expected] of [
      ["3.9", "2020.3.4", "On 2020.2 to 2020.4 each site keeps its own connections, visible only in the web UI: open Settings > Extensions on each site"],
      ["3.6", "2019.4.2", "`tsm configuration get -k vizqlserver.extsvc.host` and `tsm configuration get -k vizqlserver.extsvc.port`"],
    ] as const) {
      it(`a server too old (REST API ${version}): refused before sign-in with what to check by hand (exit 2)`, async () => {
        const s = await standin({ restApiVersion: version, productVersion: product });
        const run = await tableau(s, ...ADMIN_PAT);
        expect(run.code).to.equal(2);
        expect(run.stderr).to.include(`chaincheck: Tableau Server ${product} (REST API ${version}) is older than Tableau Server 2021.1 (REST API 3.11)`);
        expect(run.stderr).to.include(expected);
        expect(s.requests.map((r) => r.path)).to.deep.equal(["/api/2.4/serverinfo"]);
      });
    }

    it("no serverinfo (not Tableau, or older than 10.1): refused, exit 2", async () => {
      const s = await standin({ noServerInfo: true });
      const run = await tableau(s, ...ADMIN_PAT);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.include("no Tableau REST API answers at this address (read the server version (GET /api/2.4/serverinfo): 404003 Resource Not Found");
    });

    it("TLS to Tableau is verified: the system store does not trust the stand-in (exit 2, no request reached it)", async () => {
      const s = await standin();
      const run = await runCli(["tableau", s.url, ...ADMIN_PAT], { env: ENV });
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/the Tableau Server's certificate at https:\/\/127\.0\.0\.1:\d+ is not trusted \([A-Z_]+: .*\) against system store .*: pass --tableau-ca-file FILE/);
      expect(s.requests).to.deep.equal([]);
    });

    it("--tableau-ca-file for Tableau's own certificate; the connections keep the run's store", async () => {
      const s = await standin();
      const run = await runCli(["tableau", s.url, "--tableau-ca-file", ROOT, "--ca-file", OTHER_ROOT, ...AT, ...ADMIN_PAT, "--format", "json"], { env: ENV });
      expect(run.code, run.stderr).to.equal(1);
      const [result] = (JSON.parse(run.stdout) as Report).results;
      expect([result!.trusted, result!.trustStore]).to.deep.equal([false, `--ca-file ${OTHER_ROOT} (1 certificate)`]);
    });

    it("--timeout bounds every REST call: a stalled answer ends the run (exit 3), still signed out", async () => {
      const s = await standin();
      void s.hold(/GET .*\/connections$/);
      const run = await tableau(s, ...ADMIN_PAT, "--timeout", "400");
      expect(run.code).to.equal(3);
      expect(run.stderr).to.include('Tableau did not answer within 400 ms when chaincheck tried to list the analytics extension connections of site "Default" (--timeout)');
      expect(s.openSessions()).to.equal(0);
    });

    it("rate limiting (429000) is named; signed out (exit 3)", async () => {
      const s = await standin();
      s.beforeAnswer(/GET .*\/extensions\/analytics$/, () => s.rateLimit(1));
      const run = await tableau(s, ...ADMIN_PAT);
      expect(run.code).to.equal(3);
      expect(run.stderr).to.include("Tableau is limiting the request rate (429000 Too Many Requests: Too many requests: slow down.)");
      expect(s.openSessions()).to.equal(0);
    });

    it("no option takes a secret; without a variable or a terminal, exit 2 before any request", async () => {
      const s = await standin();
      expect((await runCli(["tableau", s.url, "--token-name", "x", "--token-secret", "y"])).code).to.equal(2);
      const run = await runCli(["tableau", s.url, "--token-name", "x"]);
      expect([run.code, run.stderr]).to.deep.equal([2, "chaincheck: --token-secret-env VAR is needed when no terminal can prompt for the secret\n"]);
      const none = await runCli(["tableau", s.url]);
      expect(none.stderr).to.include("sign in with --token-name NAME");
      const plain = await runCli(["tableau", `http://127.0.0.1:${s.port}`, "--token-name", "x", "--token-secret-env", "ADMIN_PAT"], { env: ENV });
      expect(plain.stderr).to.include("refusing to sign in to http://127.0.0.1");
      expect(s.requests).to.deep.equal([]);
    });
  });

  describe("other connection types and ports", () => {
    let plain: TestServer;
    let generic: TestServer;
    before(async () => {
      plain = await hostile.plainHttp();
      generic = await tlsServer({ cert: LEAF_PEM + INTERMEDIATE_PEM, key: KEY_PEM });
    });
    after(async () => {
      await plain.close();
      await generic.close();
    });

    it("an analytics extensions API connection (GENERIC_API) is checked as plain TLS", async () => {
      const s = await standin({
        sites: [{ id: "s1", name: "Api", contentUrl: "", extensionsEnabled: true, connections: [
          { id: "c1", name: "Scoring API", type: "GENERIC_API", host: "https://localhost/score", port: generic.port, ssl: true, auth: false },
        ] }],
      });
      const { run, results } = await json(s, ...ADMIN_PAT);
      expect(run.code, run.stderr).to.equal(0);
      const [r] = results;
      expect([r!.service, r!.status, r!.host, r!.target]).to.deep.equal(["tls", "pass", "localhost", `localhost:${generic.port}`]);
      expect(r!.tableau).to.equal(undefined);
    });

    it("the probe says there is no TLS; the finding stays a warning without sign-in (status error, exit 3)", async () => {
      const s = await standin({
        sites: [{ id: "s1", name: "Plain", contentUrl: "", extensionsEnabled: true, connections: [
          { id: "c1", name: "Plain TabPy", type: "TABPY", host: "127.0.0.1", port: plain.port, ssl: false, auth: false },
        ] }],
      });
      const { run, results } = await json(s, ...ADMIN_PAT);
      expect(run.code).to.equal(3);
      const [r] = results;
      expect([r!.status, r!.headline]).to.deep.equal(["error", "NOT_TLS"]);
      expect(r!.findings.map((f) => [f.code, f.severity])).to.deep.include(["TABLEAU_SSL_DISABLED", "warning"]);
    });
  });

  describe("Ctrl-C", () => {
    it("SIGINT while reading the configuration: signs out, exit 130 (built CLI)", async () => {
      const s = await standin();
      const held = s.hold(/GET .*\/connections$/);
      const child = spawn(process.execPath, [CHAINCHECK_BIN, "tableau", s.url, "--ca-file", ROOT, ...ADMIN_PAT], {
        env: { ...process.env, ...ENV }, stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      let stdout = "";
      child.stderr.on("data", (c: Buffer) => void (stderr += c.toString()));
      child.stdout.on("data", (c: Buffer) => void (stdout += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      await held;
      child.kill("SIGINT");
      const code = await exited;
      expect(code, stderr).to.equal(130);
      expect(stderr).to.equal("chaincheck: interrupted (SIGINT); signed out of Tableau\n");
      expect(s.signedOut).to.deep.equal([s.issuedTokens.at(-1)]);
      expect(s.openSessions()).to.equal(0);
      expectNoSecret(s, stdout, stderr);
    });
  });

  describe("with the real Rserve (leaf only)", () => {
    let rserve: RealRserve;
    before(async function () {
      await skipUnlessRserve(this);
      rserve = await startRealRserve({ certPem: LEAF_PEM, keyPem: KEY_PEM });
    });
    after(async () => rserve?.close());

    it("judged as Rserve, leaf-only; with the intermediate held, the advice is proven", async () => {
      const s = await standin({
        sites: [{ id: "s1", name: "Analytics", contentUrl: "analytics", extensionsEnabled: true, connections: [
          { id: "c1", name: "R", type: "RSERVE", host: "localhost", port: rserve.port, ssl: true, auth: false },
        ] }],
        users: [{ ...ADMIN, siteRoles: {} }],
      });
      const { run, results } = await json(s, ...ADMIN_PAT, "--site", "analytics", "--intermediates", INTERMEDIATE);
      expect(run.code).to.equal(1);
      const [r] = results;
      expect([r!.service, r!.chainKind, r!.headline]).to.deep.equal(["rserve", "leaf-only", "ISSUER_NOT_FOUND"]);
      expect(r!.connection!.serviceDetail).to.match(/^Rserve 0103 QAP1/);
      expect(r!.remediation.verifiedAfterInstall).to.equal(true);
      expect(r!.remediation.install[0]!.pem).to.equal(INTERMEDIATE_PEM.replace(/\r\n/g, "\n"));
    });
  });
});

/** A second client signs in with the same PAT (Tableau then ends the first session). */
function signInElsewhere(port: number, pat: { name: string; secret: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ credentials: { personalAccessTokenName: pat.name, personalAccessTokenSecret: pat.secret, site: { contentUrl: "" } } });
    const req = request({ host: "127.0.0.1", port, path: "/api/3.19/auth/signin", method: "POST", rejectUnauthorized: false, headers: { "Content-Type": "application/json", Accept: "application/json" } }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`sign-in elsewhere: ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end(body);
  });
}
