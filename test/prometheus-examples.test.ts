/**
 * examples/prometheus (issue 17) works as shipped: promtool checks the scrape configuration and the alert rules and
 * runs their unit tests; the rules use only metrics and labels chaincheck writes (README's contract); the systemd
 * units run chaincheck with options that exist, and the textfile unit's command writes a file the collector reads.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLoopback, parseListen } from "../src/exporter/request.js";
import { runCli } from "./support/cli.js";
import { parseExposition, type ParsedSample } from "./support/exposition.js";
import { hostile } from "./support/hostile-servers.js";
import { checkMetrics, promtoolIfPresent, promtool, promtoolOrSkip, REPO } from "./support/promtool.js";
import { SCENARIOS_DIR } from "./support/scenarios.js";

const EXAMPLES = join(REPO, "examples", "prometheus");
const read = (name: string): string => readFileSync(join(EXAMPLES, name), "utf8");
const README = readFileSync(join(REPO, "README.md"), "utf8");

/** ExecStart of a unit file as argv (the examples quote nothing). */
function execStart(unit: string): string[] {
  const line = /^ExecStart=(.+)$/m.exec(read(unit))?.[1];
  if (!line) throw new Error(`${unit}: no ExecStart`);
  return line.trim().split(/\s+/);
}

describe("examples/prometheus", function () {
  this.timeout(60_000);

  describe("promtool", function () {
    let bin: string;
    before(function () { bin = promtoolOrSkip(this); });

    it("check config prometheus.yml (with its rule file)", () => {
      const run = promtool(bin, ["check", "config", join(EXAMPLES, "prometheus.yml")]);
      expect(run.code, run.output).to.equal(0);
    });

    it("check rules alerts.yml: the four alerts", () => {
      const run = promtool(bin, ["check", "rules", join(EXAMPLES, "alerts.yml")]);
      expect(run.code, run.output).to.equal(0);
      expect(run.output).to.include("SUCCESS: 4 rules found");
    });

    it("test rules alerts.test.yml: probe failing, not trusted, expiring within 21 days, stale results", () => {
      const run = promtool(bin, ["test", "rules", join(EXAMPLES, "alerts.test.yml")]);
      expect(run.code, run.output).to.equal(0);
      for (const alert of ["ChaincheckProbeFailing", "ChaincheckNotTrusted", "ChaincheckCertificateExpiringSoon", "ChaincheckResultsStale"]) {
        expect(read("alerts.test.yml"), alert).to.include(`alertname: ${alert}`);
      }
    });
  });

  it("the README documents every metric chaincheck writes, and the rules use only those", async () => {
    const written = new Set<string>();
    const samples: ParsedSample[] = [];
    const closed = await hostile.silent();
    await closed.close();
    const port = closed.port;
    for (const args of [
      ["verify", join(SCENARIOS_DIR, "ok", "presented.pem"), "--ca-file", join(SCENARIOS_DIR, "ok", "trust.pem"), "--at", "2030-01-01T00:00:00Z"],
      [`127.0.0.1:${port}`, "--timeout", "2000"],
    ]) {
      for (const s of parseExposition((await runCli([...args, "--format", "openmetrics"])).stdout).samples) {
        written.add(s.name);
        samples.push(s);
      }
    }
    const used = new Set([...read("alerts.yml").matchAll(/\bchaincheck_[a-z_]+/g)].map((m) => m[0]).filter((n) => !n.startsWith("chaincheck_exporter")));
    expect(used.size).to.be.greaterThan(3);
    for (const name of used) {
      expect(written.has(name), `${name} is not written by chaincheck`).to.equal(true);
      expect(README, name).to.include(`\`${name}\``);
    }
    for (const name of written) expect(README, `README documents ${name}`).to.include(`\`${name}\``);
    const labelsWritten = new Set([...samples].flatMap((s) => Object.keys(s.labels)));
    const labelsUsed = new Set([...read("alerts.yml").matchAll(/\$labels\.([a-z0-9_]+)/g)].map((m) => m[1]!));
    expect([...labelsUsed].sort()).to.deep.equal(["role", "servername", "sha256", "subject", "target"]);
    for (const label of labelsUsed) expect(labelsWritten.has(label), label).to.equal(true);
  });

  it("the exporter unit runs options that exist, on loopback, at the address prometheus.yml scrapes", async () => {
    const argv = execStart("chaincheck-exporter.service");
    expect(argv.slice(0, 2)).to.deep.equal(["/usr/local/bin/chaincheck", "exporter"]);
    const help = (await runCli(["exporter", "--help"])).stdout;
    for (const option of argv.filter((a) => a.startsWith("--"))) expect(help, option).to.include(option);
    const listen = argv[argv.indexOf("--listen") + 1]!;
    expect(isLoopback(parseListen(listen).host)).to.equal(true);
    expect(read("prometheus.yml")).to.include(`replacement: ${listen}`).and.include(`targets: [${listen}]`);
    expect(help).to.include(`(default: "${listen}")`);
  });

  it("the textfile unit's command writes metrics the collector reads, and its exit codes 1 and 3 are results", async () => {
    const argv = execStart("chaincheck-textfile.service");
    expect(read("chaincheck-textfile.service")).to.match(/^SuccessExitStatus=1 3$/m);
    expect(read("chaincheck-textfile.timer")).to.match(/^Unit=chaincheck-textfile\.service$/m);
    const dir = mkdtempSync(join(tmpdir(), "chaincheck-textfile-"));
    const closed = await hostile.silent();
    await closed.close();
    try {
      writeFileSync(join(dir, "targets.txt"), `127.0.0.1:${closed.port}  service=tls\n`);
      const paths: Record<string, string> = {
        "/etc/chaincheck/targets.txt": join(dir, "targets.txt"),
        "/etc/chaincheck/corp-root.pem": join(REPO, "fixtures", "ca", "root.pem"),
        "/var/lib/prometheus/node-exporter/chaincheck.prom": join(dir, "chaincheck.prom"),
      };
      expect(argv[0]).to.equal("/usr/local/bin/chaincheck");
      const args = argv.slice(1).map((a) => paths[a] ?? a);
      expect(args.filter((a) => a.startsWith("/etc") || a.startsWith("/var"))).to.deep.equal([]);
      const run = await runCli(args);
      expect(run.code, run.stderr).to.equal(3);
      const text = readFileSync(join(dir, "chaincheck.prom"), "utf8");
      expect(parseExposition(text).samples.find((s) => s.name === "chaincheck_probe_success")?.value).to.equal(0);
      expect(paths["/var/lib/prometheus/node-exporter/chaincheck.prom"]!.endsWith(".prom")).to.equal(true);
      const bin = promtoolIfPresent();
      if (bin) expect(checkMetrics(bin, text)).to.deep.equal({ code: 0, output: "" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
