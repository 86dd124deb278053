/** Summarises a V8 CPU profile (`node --cpu-prof`): self time per script, the heaviest first. */
import { readFileSync } from "node:fs";

interface ProfileNode { readonly id: number; readonly callFrame: { readonly url: string; readonly functionName: string } }
interface CpuProfile { readonly nodes: readonly ProfileNode[]; readonly samples: readonly number[]; readonly timeDeltas: readonly number[] }

/** Groups a script URL: project files by path, packages by name, Node internals by module. */
function groupOf(node: ProfileNode, root: string): string {
  const url = node.callFrame.url;
  if (!url) return `(${node.callFrame.functionName || "native"})`;
  const local = url.replace(`file://${root}/`, "");
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(local);
  return pkg ? `package ${pkg[1]}` : local;
}

/** Lines "  12.3 ms  dist/src/probe/probe.js" for the `top` heaviest groups, after a total line. */
export function summarizeProfile(path: string, root: string, top = 15): string[] {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const group = groupOf(byId.get(id)!, root);
    self.set(group, (self.get(group) ?? 0) + us);
  });
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [`  profile ${path}: ${(total / 1000).toFixed(1)} ms sampled`, ...rows.map(([k, us]) => `  ${(us / 1000).toFixed(1).padStart(8)} ms  ${k}`)];
}
