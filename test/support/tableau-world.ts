/**
 * A small Tableau deployment for the `chaincheck tableau` tests: the stand-in REST API (presenting the fixture CA's
 * leaf + intermediate for 127.0.0.1), TabPy-like servers (full chain; one requiring credentials) and an Rserve-like
 * server (leaf only), several sites, and users with every role the issue names. Secrets are distinctive strings so
 * tests can grep every output for them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startRserveLikeServer, startTabpyLikeServer, type RunningServer } from "../../src/demo/servers.js";
import { startTableauStandin, type StandinConnection, type StandinOptions, type StandinSite, type StandinUser, type TableauStandin } from "./tableau-standin.js";

export const CA_DIR = "fixtures/ca";
export const ROOT = join(CA_DIR, "root.pem");
export const INTERMEDIATE = join(CA_DIR, "intermediate.pem");
export const OTHER_ROOT = join(CA_DIR, "other-root.pem");
const pem = (name: string): string => readFileSync(join(CA_DIR, name), "utf8");
export const LEAF_PEM = pem("leaf.pem");
export const INTERMEDIATE_PEM = pem("intermediate.pem");
export const KEY_PEM = pem("leaf.key.pem");

/** Every secret of the world; none may appear in any output, report or file. */
export const SECRETS = {
  adminPat: "pat-secret-ADMIN-7f3Kq9Zx",
  siteAdminPat: "pat-secret-SITEADM-2mW8",
  siteAdminPassword: "pw-siteadmin-Hq4!r",
  tabpyPassword: "tabpy-pw-Xc81Lm",
  connectionPassword: "conn-pw-Yt29Rb",
} as const;

export const ADMIN: StandinUser = { name: "admin", serverAdmin: true, pat: { name: "chaincheck-ci", secret: SECRETS.adminPat } };
export const SITE_ADMIN: StandinUser = {
  name: "fin-admin", serverAdmin: false, password: SECRETS.siteAdminPassword,
  pat: { name: "fin-pat", secret: SECRETS.siteAdminPat }, siteRoles: { finance: "SiteAdministratorCreator" },
};
export const VIEWER: StandinUser = { name: "viewer", serverAdmin: false, password: "pw-viewer-3Jd", siteRoles: { finance: "Viewer" } };

export interface World {
  readonly tabpy: RunningServer;
  readonly tabpyAuth: RunningServer;
  readonly rserve: RunningServer;
  readonly sites: readonly StandinSite[];
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const fullChain = LEAF_PEM + INTERMEDIATE_PEM;
  const tabpy = await startTabpyLikeServer({ certPem: fullChain, keyPem: KEY_PEM });
  const tabpyAuth = await startTabpyLikeServer({ certPem: fullChain, keyPem: KEY_PEM, auth: { users: { svc: SECRETS.tabpyPassword } } });
  const rserve = await startRserveLikeServer({ certPem: LEAF_PEM, keyPem: KEY_PEM });
  const conn = (c: StandinConnection): StandinConnection => c;
  const sites: StandinSite[] = [
    { id: "site-default", name: "Default", contentUrl: "", extensionsEnabled: true, connections: [
      conn({ id: "c-default-tabpy", name: "Prod TabPy", type: "TABPY", host: "127.0.0.1", port: tabpy.port, ssl: true, auth: false }),
    ] },
    { id: "site-finance", name: "Finance", contentUrl: "finance", extensionsEnabled: true, connections: [
      conn({ id: "c-fin-tabpy", name: "Finance TabPy", type: "TABPY", host: "localhost/predict", port: tabpyAuth.port, ssl: true, auth: true, username: "svc", password: SECRETS.connectionPassword }),
      conn({ id: "c-fin-rserve", name: "Finance Rserve", type: "RSERVE", host: "localhost", port: rserve.port, ssl: true, auth: false }),
      conn({ id: "c-fin-einstein", name: "Finance Einstein", type: "EINSTEIN_DISCOVERY", ssl: true, auth: false }),
    ] },
    { id: "site-marketing", name: "Marketing", contentUrl: "marketing", extensionsEnabled: false, connections: [
      conn({ id: "c-mkt-tabpy", name: "Old TabPy", type: "TABPY", host: "127.0.0.1", port: tabpy.port, ssl: true, auth: false }),
    ] },
    { id: "site-lab", name: "Lab", contentUrl: "lab", extensionsEnabled: true, connections: [
      conn({ id: "c-lab-tabpy", name: "Lab TabPy", type: "TABPY", host: "127.0.0.1", port: tabpyAuth.port, ssl: false, auth: true, username: "svc", password: SECRETS.connectionPassword }),
    ] },
    { id: "site-empty", name: "Empty", contentUrl: "empty", extensionsEnabled: true, connections: [] },
  ];
  return {
    tabpy, tabpyAuth, rserve, sites,
    close: async () => void (await Promise.all([tabpy.close(), tabpyAuth.close(), rserve.close()])),
  };
}

/** A stand-in Tableau Server for `world` (override any option). */
export function startStandin(world: World, overrides: Partial<StandinOptions> = {}): Promise<TableauStandin> {
  return startTableauStandin({
    certPem: LEAF_PEM + INTERMEDIATE_PEM, keyPem: KEY_PEM, sites: world.sites, users: [ADMIN, SITE_ADMIN, VIEWER], ...overrides,
  });
}

/** Environment with every secret under the names the tests pass to --token-secret-env / --password-env. */
export const ENV = { ADMIN_PAT: SECRETS.adminPat, FIN_PAT: SECRETS.siteAdminPat, FIN_PASSWORD: SECRETS.siteAdminPassword };

/** The strings no output may contain: the world's secrets and every session token the stand-in handed out. */
export function forbiddenStrings(standin: TableauStandin): string[] {
  return [...Object.values(SECRETS), ...standin.issuedTokens];
}
