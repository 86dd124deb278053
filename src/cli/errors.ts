/** Known failures -> one line and an exit code. Anything unknown is a bug: still one line, exit 3. */
import { InputError } from "../input/errors.js";
import { TrustStoreError } from "../trust/errors.js";
import { EXIT } from "./exit-code.js";
import { UsageError } from "./options.js";

export function describeError(err: unknown): { message: string; code: number } {
  if (err instanceof UsageError || err instanceof InputError) return { message: err.message, code: EXIT.usage };
  if (err instanceof TrustStoreError) return { message: err.message, code: EXIT.usage };
  const message = err instanceof Error ? err.message : String(err);
  return { message: `internal error: ${message.split("\n")[0]} (please report this)`, code: EXIT.unchecked };
}
