/**
 * Certificate containers in, DER certificates out. Accepts PEM bundles (CERTIFICATE,
 * X509 CERTIFICATE, TRUSTED CERTIFICATE, PKCS7/CMS blocks), DER certificates, DER PKCS#7 and
 * PKCS#12, and tells them apart from the bytes, not the file name. Each certificate is checked for
 * its outer DER shape only; src/cert parses it. The PKCS#7 and PKCS#12 readers load lazily.
 * Pure: no I/O.
 */
import { TAG, readHeader, readTlv } from "../asn1/der.js";
import { ShapeError, checkCertificate, checkCertificateAt, shapeError } from "../cert/shape.js";
import { detectDerKind } from "./detect.js";
import { InputError, displayName, tooLarge } from "./errors.js";
import { keyChainOrder } from "./key-chain.js";
import { PRESENTED_LIMITS, grouped, type InputLimits } from "./limits.js";
import { decodeBareBase64, decodeBlockBase64, hasPemBlock, parsePemBlocks, shortLabel } from "./pem.js";
import type { PemBlock } from "./pem.js";

export { encodePem } from "../cert/pem.js";
export { InputError } from "./errors.js";
export type { InputErrorCode } from "./errors.js";
export { PRESENTED_LIMITS, TRUST_LIMITS } from "./limits.js";
export type { InputLimits } from "./limits.js";

/** Most certificates read from one presented input (a bound on work for hostile input). */
export const MAX_CERTIFICATES = PRESENTED_LIMITS.maxCertificates;

export interface DecodeOptions {
  /** PKCS#12 password. Never stored, logged or put in a message. */
  readonly password?: string;
  /** Display name for messages, usually the file name. */
  readonly name?: string;
  /** Byte and certificate caps; default {@link PRESENTED_LIMITS} (trust inputs pass TRUST_LIMITS). */
  readonly limits?: InputLimits;
}

export interface DecodeResult {
  /** The container format ("pkcs7" also for PEM files whose certificates all come from PKCS7 blocks). */
  readonly format: "pem" | "der" | "pkcs7" | "pkcs12";
  /**
   * DER of each certificate (independent copies), in file order, except PKCS#12: the private
   * key's certificate and its issuers first, as a server loading the file presents them.
   */
  readonly certificates: Uint8Array[];
  /**
   * How many leading `certificates` a server presents. All of them, except in a PKCS#12 file
   * with a private key, whose other certificates (trusted CA entries) are only held.
   */
  readonly presented: number;
  /** Things the user may want to know (ignored private keys, trust settings dropped, ...). */
  readonly warnings: string[];
}

const CERT_LABELS = new Set(["CERTIFICATE", "X509 CERTIFICATE", "X.509 CERTIFICATE"]);
const TRUSTED_LABEL = "TRUSTED CERTIFICATE";
const PKCS7_LABELS = new Set(["PKCS7", "PKCS #7 SIGNED DATA", "CMS"]);

/** Collects certificates, checking each one's shape and the count limit. */
class Collector {
  readonly certificates: Uint8Array[] = [];
  readonly warnings: string[] = [];
  constructor(readonly source: string, readonly limits: InputLimits) {}

  add(der: Uint8Array, where: string): void {
    try {
      checkCertificate(der);
    } catch (e) {
      throw derFailure(this.source, where, e);
    }
    const max = this.limits.maxCertificates;
    if (this.certificates.length >= max) {
      throw new InputError("TOO_MANY_CERTIFICATES", this.source,
        `holds more than ${grouped(max)} certificates; chaincheck reads at most ${grouped(max)} from one input`);
    }
    this.certificates.push(der.slice());
  }

  /** Every certificate presented, in the order collected. */
  result(format: DecodeResult["format"]): DecodeResult {
    return { format, certificates: this.certificates, presented: this.certificates.length, warnings: this.warnings };
  }
}

/** Turn a {@link ShapeError} about one certificate into the user-facing error naming it. */
function derFailure(source: string, where: string, e: unknown): InputError {
  if (!(e instanceof ShapeError)) throw e;
  const code = e.kind === "not-certificate" ? "NOT_A_CERTIFICATE" : "MALFORMED_DER";
  return new InputError(code, source, `${where} ${e.message}`);
}

/**
 * Extract the certificates from PEM, DER, PKCS#7 or PKCS#12 bytes.
 * @throws {InputError} with a one-line message naming the input and the block or certificate at fault.
 */
export async function decodeCertificates(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodeResult> {
  const source = displayName(options.name);
  const limits = options.limits ?? PRESENTED_LIMITS;
  if (bytes.length === 0) throw new InputError("EMPTY_INPUT", source, "the input is empty");
  if (bytes.length > limits.maxBytes) throw tooLarge(source, bytes.length, limits.maxBytes, limits.kind);
  const utf16 = utf16Text(bytes);
  const body = utf16 === undefined ? stripUtf8Bom(bytes) : undefined;
  const buf = body && Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const hasBegin = utf16 !== undefined ? hasPemBlock(utf16) : buf!.includes("-----BEGIN ");
  if (body && body[0] === TAG.SEQUENCE && (!hasBegin || spansWhole(body))) {
    return decodeDer(new Collector(source, limits), body, options.password);
  }
  const text = utf16 ?? buf!.toString("latin1");
  if (text.trim() === "") throw new InputError("EMPTY_INPUT", source, "holds only whitespace");
  if (hasBegin && hasPemBlock(text)) return decodePem(new Collector(source, limits), text);
  const bare = decodeBareBase64(text);
  if (bare && bare[0] === TAG.SEQUENCE) {
    const out = new Collector(source, limits);
    out.warnings.push("the input is base64 without PEM BEGIN/END lines; it was decoded as DER");
    return decodeDer(out, bare, options.password);
  }
  if (isMostlyText(text)) {
    throw new InputError("NOT_A_CERTIFICATE", source, "is text without any -----BEGIN CERTIFICATE----- block");
  }
  throw new InputError("NOT_A_CERTIFICATE", source, "is not a certificate file (expected PEM, DER, PKCS#7 or PKCS#12)");
}

async function decodePem(out: Collector, text: string): Promise<DecodeResult> {
  const source = out.source;
  const ignored: string[] = [];
  let fromPkcs7 = 0;
  for (const block of parsePemBlocks(text, source)) {
    const label = block.label.toUpperCase();
    if (CERT_LABELS.has(label)) {
      out.add(decodeBlockBase64(block, source), `block ${block.index}`);
    } else if (label === TRUSTED_LABEL) {
      addTrusted(out, block, source);
    } else if (PKCS7_LABELS.has(label)) {
      const before = out.certificates.length;
      await addPkcs7(out, decodeBlockBase64(block, source), `block ${block.index} (${shortLabel(block.label)})`);
      fromPkcs7 += out.certificates.length - before;
    } else if (label.endsWith("PRIVATE KEY")) {
      // Never decoded, never echoed: only its position is reported.
      out.warnings.push(`block ${block.index} is a private key; it was ignored`);
      ignored.push("a private key");
    } else {
      out.warnings.push(`block ${block.index} (${shortLabel(block.label)}) is not a certificate; it was ignored`);
      ignored.push(`a ${shortLabel(block.label)} block`);
    }
  }
  if (out.certificates.length === 0) {
    const found = ignored.length === 0 ? "no -----BEGIN CERTIFICATE----- block" : `only ${ignored.join(", ")}`;
    throw new InputError("NO_CERTIFICATES", source, `holds no certificate (${found})`);
  }
  return out.result(fromPkcs7 === out.certificates.length ? "pkcs7" : "pem");
}

/** OpenSSL's trusted form: Certificate followed by X509_CERT_AUX (crypto/x509/x_x509a.c). */
function addTrusted(out: Collector, block: PemBlock, source: string): void {
  const der = decodeBlockBase64(block, source);
  const where = `block ${block.index}`;
  let end: number;
  try {
    end = checkCertificateAt(der, 0);
    if (end < der.length) {
      const aux = readTlv(der, end, der.length, { ber: true });
      if (aux.tag !== TAG.SEQUENCE || aux.end !== der.length) {
        throw new ShapeError("trailing", "has trailing data after the certificate and its trust settings");
      }
    }
  } catch (e) {
    throw derFailure(source, where, shapeError(e));
  }
  out.add(der.subarray(0, end), where);
  out.warnings.push(`${where} is an OpenSSL TRUSTED CERTIFICATE; its trust settings were ignored`);
}

async function addPkcs7(out: Collector, der: Uint8Array, context: string | undefined): Promise<void> {
  const { pkcs7Certificates } = await import("./pkcs7.js");
  const { blobs, warnings } = await pkcs7Certificates(der, out.source, context);
  out.warnings.push(...warnings);
  blobs.forEach((blob, i) => out.add(blob, context ? `certificate ${i + 1} in ${context}` : `certificate ${i + 1} of the PKCS#7 bundle`));
}

async function decodeDer(out: Collector, bytes: Uint8Array, password: string | undefined): Promise<DecodeResult> {
  const kind = detectDerKind(bytes);
  if (kind.kind === "pkcs7") {
    await addPkcs7(out, bytes, undefined);
    return out.result("pkcs7");
  }
  if (kind.kind === "pkcs12") return decodePkcs12(out, bytes, password);
  if (kind.kind === "other") throw new InputError("NOT_A_CERTIFICATE", out.source, `is ${kind.what}`);
  addConcatenatedDer(out, bytes);
  return out.result("der");
}

/** A PKCS#12 file's certificates, in the order a server loading it presents them (key-chain.ts). */
async function decodePkcs12(out: Collector, bytes: Uint8Array, password: string | undefined): Promise<DecodeResult> {
  const { pkcs12Certificates } = await import("./pkcs12.js");
  const result = await pkcs12Certificates(bytes, out.source, password);
  out.warnings.push(...result.warnings);
  result.blobs.forEach((blob, i) => out.add(blob, `certificate ${i + 1} in the PKCS#12 file`));
  const { order, presented, notes } = keyChainOrder(out.certificates, result.localKeyIds, result.keyIds, result.trusted);
  return { format: "pkcs12", certificates: order.map((i) => out.certificates[i]!), presented, warnings: [...out.warnings, ...notes] };
}

/** One DER certificate, or several written back to back (as `cat a.der b.der` makes). */
function addConcatenatedDer(out: Collector, bytes: Uint8Array): void {
  let offset = 0;
  let n = 1;
  while (offset < bytes.length) {
    if (n > 1 && bytes[offset] !== TAG.SEQUENCE) {
      throw new InputError("MALFORMED_DER", out.source,
        `certificate ${n - 1} has ${bytes.length - offset} bytes of trailing data after the certificate`);
    }
    let end: number;
    try {
      end = checkCertificateAt(bytes, offset);
    } catch (e) {
      throw derFailure(out.source, `certificate ${n}`, e);
    }
    out.add(bytes.subarray(offset, end), `certificate ${n}`);
    offset = end;
    n++;
  }
  if (n > 2) out.warnings.push(`the input holds ${n - 1} DER certificates written back to back`);
}

/** A leading UTF-16 byte order mark: decode as UTF-16 text (Windows tools write PEM this way). */
function utf16Text(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  return undefined;
}

function stripUtf8Bom(bytes: Uint8Array): Uint8Array {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

/** DER whose outer element spans the input exactly (or is BER indefinite): not text that starts with "0". */
function spansWhole(bytes: Uint8Array): boolean {
  try {
    const outer = readHeader(bytes, 0, bytes.length, { ber: true, indefinite: true });
    return outer.length === null || outer.contentStart + outer.length === bytes.length;
  } catch {
    return false;
  }
}

function isMostlyText(text: string): boolean {
  const sample = text.slice(0, 4096);
  const printable = sample.replace(/[^\x20-\x7e\t\r\n]/g, "").length;
  return printable >= sample.length * 0.95;
}
