/** A spinner on stderr, only for a terminal and the text format; ora is imported only then. */
import type { Progress } from "../app/run.js";
import type { CliIo } from "./io.js";

const SILENT: Progress = { tick: () => undefined, stop: () => undefined };

export async function startProgress(io: CliIo, textFormat: boolean, total: number): Promise<Progress> {
  if (!io.stderrIsTTY || !textFormat || !io.progressStream) return SILENT;
  const { default: ora } = await import("ora");
  let done = 0;
  const spinner = ora({ text: `checking ${total} target(s)`, stream: io.progressStream, isEnabled: true }).start();
  return {
    tick(label) {
      done++;
      spinner.text = `checked ${done}/${total} (${label})`;
    },
    stop: () => void spinner.stop(),
  };
}
