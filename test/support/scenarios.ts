/** Loads the committed fixture scenarios (fixtures/scenarios/<name>) for table-driven tests. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Certificate } from "../../src/types.js";
import { readCertificate } from "../../src/cert/parse.js";
import type { TrustAnchors } from "../../src/validate/validate.js";
import { TrustStore } from "../../src/trust/store.js";
import { trustAnchors } from "../../src/validate/anchors.js";

export const FIXTURES = new URL("../../../fixtures/", import.meta.url).pathname;
export const SCENARIOS_DIR = join(FIXTURES, "scenarios");

export interface ScenarioExpect {
  trusted: boolean;
  chainKind: string;
  headline: string | null;
  codes: string[];
  path: string[] | null;
}

export interface Scenario {
  name: string;
  dir: string;
  description: string;
  host: string | null;
  at: Date;
  service?: "tabpy" | "rserve";
  partialChain: boolean;
  presented: Certificate[];
  trust: Certificate[];
  intermediates: Certificate[];
  expect: ScenarioExpect;
}

/** PEM text -> DER blobs (test helper: fixtures are well-formed PEM). */
export function pemDers(text: string): Uint8Array[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map(
    (m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64")),
  );
}

export function readPemCerts(path: string): Certificate[] {
  return existsSync(path) ? pemDers(readFileSync(path, "utf8")).map((der) => readCertificate(der)) : [];
}

export function scenarioNames(): string[] {
  return readdirSync(SCENARIOS_DIR).filter((n) => existsSync(join(SCENARIOS_DIR, n, "scenario.json"))).sort();
}

export function loadScenario(name: string): Scenario {
  const dir = join(SCENARIOS_DIR, name);
  const json = JSON.parse(readFileSync(join(dir, "scenario.json"), "utf8")) as {
    description: string; host: string | null; at: string; service?: "tabpy" | "rserve"; partialChain?: boolean; expect: ScenarioExpect;
  };
  return {
    name, dir,
    description: json.description,
    host: json.host,
    at: new Date(json.at),
    ...(json.service ? { service: json.service } : {}),
    partialChain: json.partialChain === true,
    presented: readPemCerts(join(dir, "presented.pem")),
    trust: readPemCerts(join(dir, "trust.pem")),
    intermediates: readPemCerts(join(dir, "intermediates.pem")),
    expect: json.expect,
  };
}

export function anchorsOf(certs: readonly Certificate[], description = "fixture trust store"): TrustAnchors {
  const store = new TrustStore({ kind: "files", description, paths: [] }, certs.map((c) => c.der));
  return trustAnchors(store);
}
