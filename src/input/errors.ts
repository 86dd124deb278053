/**
 * Typed errors for reading certificate input. Every message is one line meant for the user
 * ("bundle.pem: block 3 is not valid base64 (...)"): no stack trace, no file contents beyond the
 * position of a defect, and never a password.
 */

/** Why certificate input could not be read. */
export type InputErrorCode =
  /** The file or input has no bytes (or only whitespace). */
  | "EMPTY_INPUT"
  /** PEM structure is broken: BEGIN without END, mismatched labels, empty block. */
  | "MALFORMED_PEM"
  /** A PEM block's body is not strict base64. */
  | "BAD_BASE64"
  /** Input is not in any certificate format chaincheck reads (or is a key, CSR, CRL). */
  | "NOT_A_CERTIFICATE"
  /** A certificate's DER is truncated, has trailing data or the wrong outer shape. */
  | "MALFORMED_DER"
  /** The input is a valid container but holds no certificate. */
  | "NO_CERTIFICATES"
  /** More certificates than chaincheck reads from one input. */
  | "TOO_MANY_CERTIFICATES"
  /** PKCS#7 that is not well-formed BER. */
  | "PKCS7_MALFORMED"
  /** PKCS#7 of another content type (envelopedData, ...): no certificate list. */
  | "PKCS7_UNSUPPORTED"
  /** PKCS#12 that is not well-formed. */
  | "PKCS12_MALFORMED"
  /** The PKCS#12 file is protected by a password and none was given. */
  | "PKCS12_PASSWORD_REQUIRED"
  /** The password given does not open the PKCS#12 file. */
  | "PKCS12_BAD_PASSWORD"
  /** The PKCS#12 file uses an algorithm or mode chaincheck does not implement. */
  | "PKCS12_UNSUPPORTED"
  /** `--pfx-password-env NAME` names a variable that is not set. */
  | "PASSWORD_ENV_UNSET"
  /** A PKCS#12 file asks for more key-derivation work, safes or bags than chaincheck allows. */
  | "WORK_BUDGET_EXCEEDED"
  /** File-system problems (read.ts). */
  | "FILE_NOT_FOUND"
  | "FILE_UNREADABLE"
  | "IS_A_DIRECTORY"
  | "FILE_TOO_LARGE"
  /** The password prompt needs a terminal, or the user cancelled it (prompt.ts). */
  | "PROMPT_NOT_TTY"
  | "PROMPT_CANCELLED";

/** A certificate input could not be read; `message` is one line for the user. */
export class InputError extends Error {
  override readonly name = "InputError";
  readonly code: InputErrorCode;

  /**
   * @param code   machine-readable reason
   * @param source display name of the input (already passed through {@link displayName}), or
   *               `undefined` for errors not tied to a file
   * @param detail what is wrong, in words, without the source prefix
   */
  constructor(code: InputErrorCode, source: string | undefined, detail: string) {
    super(oneLine(source === undefined ? detail : `${source}: ${detail}`));
    this.code = code;
  }
}

/** An input over its byte cap: "is 11.0 MB; chaincheck reads certificate files up to 10 MB". */
export function tooLarge(source: string, size: number, max: number, kind: string): InputError {
  const mib = 1024 * 1024;
  // Just over the cap reads better as "over 1 MB" than as "1.0 MB".
  const shown = size >= max * 1.05 ? `${(size / mib).toFixed(1)} MB` : `over ${Math.round(max / mib)} MB`;
  return new InputError("FILE_TOO_LARGE", source, `is ${shown}; chaincheck reads ${kind} up to ${Math.round(max / mib)} MB`);
}

/** Display name used in messages when the caller gives none. */
export const DEFAULT_SOURCE_NAME = "input";

/**
 * A file name made safe for a one-line message: control and bidirectional-override characters
 * (a hostile file name could hold a newline or reorder the line) are replaced by "?".
 */
export function displayName(name: string | undefined): string {
  if (name === undefined || name === "") return DEFAULT_SOURCE_NAME;
  // C0/C1 controls, DEL, and the Unicode bidi embedding/override/isolate characters.
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "?");
}

/** Quote one character of input for a message: printable ASCII as is, anything else as U+XXXX. */
export function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp > 0x20 && cp < 0x7f) return `"${ch}"`;
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}
