/** Prints the README's finding-code table from the one wording table (a test keeps them equal). */
import { FINDINGS } from "../src/findings/catalog.js";

export function findingsTable(): string {
  const rows = Object.entries(FINDINGS)
    .sort(([, a], [, b]) => ({ error: 0, warning: 1, info: 2 })[a.severity] - ({ error: 0, warning: 1, info: 2 })[b.severity] || b.rank - a.rank)
    .map(([code, info]) => `| \`${code}\` | ${info.severity} | ${info.rank} | ${info.title} |`);
  return ["| code | severity | rank | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

if (process.argv[1]?.endsWith("findings-table.js")) process.stdout.write(`${findingsTable()}\n`);
