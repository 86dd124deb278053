/** `chaincheck tableau SERVER_URL`: the Tableau Server's address as typed -> the https base URL of its REST API. Pure. */
import { UsageError } from "./options.js";

/**
 * `https://tableau.corp.example`, `tableau.corp.example:8443`, `https://[::1]:8443/prefix`: https is assumed without a
 * scheme; plain http is refused (the sign-in would send the secret in clear); query and fragment are dropped.
 * @throws UsageError naming what is wrong
 */
export function parseServerUrl(input: string): URL {
  const text = input.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === "http") throw new UsageError(`refusing to sign in to ${text} over plain HTTP (the secret would travel in clear): use https://`);
  if (scheme !== undefined && scheme !== "https") throw new UsageError(`the Tableau Server URL must start with https://, got "${text}"`);
  let url: URL;
  try {
    url = new URL(scheme ? text : `https://${text}`);
  } catch {
    throw new UsageError(`"${text}" is not a Tableau Server URL (e.g. https://tableau.corp.example)`);
  }
  if (url.hostname === "") throw new UsageError(`"${text}" names no host`);
  if (url.username || url.password) throw new UsageError("credentials in the URL are not supported: use --token-name or --user");
  url.search = "";
  url.hash = "";
  return url;
}

/** The URL as reports show it: origin and path prefix, no trailing slash. */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}
