/**
 * Preload (`node --import`) that makes name lookups of `*.hang.test` hang for a minute, as a dead resolver does:
 * the callback comes late and a ref'd timer keeps the process alive meanwhile, like a pending getaddrinfo. Every
 * other name resolves normally. For the test that the CLI's exit does not wait for an abandoned lookup.
 */
import dns from "node:dns";

type Lookup = (hostname: string, ...rest: unknown[]) => unknown;
const real = dns.lookup as unknown as Lookup;
(dns as unknown as { lookup: Lookup }).lookup = function (hostname: string, ...rest: unknown[]) {
  if (!hostname.endsWith(".hang.test")) return real.call(dns, hostname, ...rest);
  const callback = rest[rest.length - 1] as (err: NodeJS.ErrnoException) => void;
  setTimeout(() => callback(Object.assign(new Error(`getaddrinfo EAI_AGAIN ${hostname}`), { code: "EAI_AGAIN" })), 60_000);
  return {};
};
