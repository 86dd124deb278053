/**
 * A no-echo password prompt on a terminal: raw mode, so nothing typed is displayed (not even
 * asterisks, as sudo and ssh do). Handles Enter, Backspace, Ctrl-U (clear), Ctrl-C (cancel),
 * Ctrl-D (finish) and ignores other control keys and escape sequences (arrow keys). Refuses when
 * input is not a terminal. I/O module.
 */
import { StringDecoder } from "node:string_decoder";
import { InputError } from "./errors.js";

/** The terminal streams: `input` must be a TTY (process.stdin), `output` gets the question. */
export interface PromptStreams {
  readonly input: NodeJS.ReadableStream & {
    readonly isTTY?: boolean;
    readonly isRaw?: boolean;
    setRawMode?(mode: boolean): unknown;
  };
  readonly output: NodeJS.WritableStream;
}

// CSI / SS3 sequences and two-character escapes, as terminals send for arrow and function keys.
const ESCAPES = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|O.|[@-_])/g;

/**
 * Ask `question` and read a line without echo.
 * @param streams defaults to stdin and stderr (stdout may carry a JSON report)
 * @throws {InputError} PROMPT_NOT_TTY when input is not a terminal, PROMPT_CANCELLED on Ctrl-C
 *   or when input ends first
 */
export function promptSecret(question: string, streams: PromptStreams = { input: process.stdin, output: process.stderr }): Promise<string> {
  const { input, output } = streams;
  return new Promise((resolve, reject) => {
    if (!input.isTTY || typeof input.setRawMode !== "function") {
      reject(new InputError("PROMPT_NOT_TTY", undefined,
        "cannot ask for the password: standard input is not a terminal; pass --pfx-password-env NAME instead"));
      return;
    }
    const wasRaw = input.isRaw === true;
    const decoder = new StringDecoder("utf8");
    let chars: string[] = [];

    const finish = (error?: InputError): void => {
      input.removeListener("data", onData);
      input.removeListener("end", onEnd);
      input.removeListener("error", onEnd);
      input.setRawMode!(wasRaw);
      input.pause();
      output.write("\n");
      const value = chars.join("");
      chars = [];
      if (error) reject(error);
      else resolve(value);
    };
    const onEnd = (): void => finish(new InputError("PROMPT_CANCELLED", undefined, "password entry ended before Enter was pressed"));
    const onData = (chunk: Buffer | string): void => {
      const text = (typeof chunk === "string" ? chunk : decoder.write(chunk)).replace(ESCAPES, "");
      for (const ch of text) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return finish();
        if (ch === "\u0003") return finish(new InputError("PROMPT_CANCELLED", undefined, "password entry cancelled (Ctrl-C)"));
        if (ch === "\u007f" || ch === "\b") chars.pop();
        else if (ch === "\u0015") chars = [];
        else if (ch >= " ") chars.push(ch);
      }
    };

    output.write(question);
    input.setRawMode(true);
    input.on("data", onData);
    input.once("end", onEnd);
    input.once("error", onEnd);
    input.resume();
  });
}
