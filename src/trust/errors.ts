/** The trust store could not be loaded (Go's SystemRootsError): an operational failure, never a verdict. Pure. */

/** `message` is one line that says what was tried and what to do. */
export class TrustStoreError extends Error {
  override readonly name = "TrustStoreError";
  constructor(
    readonly code: "NO_SYSTEM_STORE" | "SYSTEM_STORE_UNREADABLE" | "SYSTEM_STORE_EMPTY" | "NO_CA_FILES",
    message: string,
  ) {
    super(message.replace(/[\r\n]+/g, " "));
  }
}

/** The advice every trust-store error ends with. */
export const CA_FILE_HELP = "pass --ca-file FILE with the CA certificates to trust";
