/** A spinner on stderr, only for a terminal and the text format; ora is imported only then. Labels pass through safeText. */
import type { Progress } from "../app/run.js";
import type { CliIo } from "./io.js";
import { safeText } from "../report/safe-text.js";

const SILENT: Progress = { tick: () => undefined, stop: () => undefined };

export async function startProgress(io: CliIo, textFormat: boolean, total: number): Promise<Progress> {
  if (!io.stderrIsTTY || !textFormat || !io.progressStream) return SILENT;
  const { default: ora } = await import("ora");
  let done = 0;
  const spinner = ora({ text: `checking ${total} target(s)`, stream: io.progressStream, isEnabled: true }).start();
  return {
    tick(label) {
      done++;
      // Labels come from the command line, a targets file or a Tableau site: never raw to the terminal.
      spinner.text = `checked ${done}/${total} (${safeText(label)})`;
    },
    stop: () => void spinner.stop(),
  };
}
