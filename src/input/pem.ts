/**
 * PEM text (RFC 7468): find the blocks and decode their bodies with strict base64
 * (RFC 4648 section 4). Text between blocks is ignored, lines may end in CRLF or LF, and
 * whitespace inside a body is allowed (RFC 7468 section 3, "lax" parsing of the layout, strict
 * parsing of the characters). Pure.
 */
import { InputError, describeChar } from "./errors.js";

/** One `-----BEGIN X-----` ... `-----END X-----` block. */
export interface PemBlock {
  /** 1-based position among all blocks of the file (what messages call "block N"). */
  readonly index: number;
  readonly label: string;
  /** 1-based line number of the BEGIN line. */
  readonly line: number;
  /** The text between the BEGIN and END lines. */
  readonly body: string;
}

// RFC 7468 section 3: label characters are printable ASCII except "-"; spaces around are allowed.
const BEGIN_LINE = /^-----BEGIN ([\x20-\x2c\x2e-\x7e]*)-----[ \t]*$/;
const END_LINE = /^-----END ([\x20-\x2c\x2e-\x7e]*)-----[ \t]*$/;

/** True when the text holds at least one BEGIN line. */
export function hasPemBlock(text: string): boolean {
  return /(^|[\r\n])[ \t]*-----BEGIN [\x20-\x2c\x2e-\x7e]*-----/.test(text);
}

/**
 * Split PEM text into blocks; a BEGIN without its END is a {@link InputError} `MALFORMED_PEM`.
 * Scans for the markers rather than line by line: a 144-certificate bundle has ~3,400 lines.
 */
export function parsePemBlocks(text: string, source: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const lines = new LineCounter(text);
  let pos = 0;
  for (;;) {
    const begin = findMarker(text, "-----BEGIN ", pos);
    if (!begin) return blocks;
    const index = blocks.length + 1;
    const label = BEGIN_LINE.exec(begin.line)?.[1]?.trim();
    if (label === undefined) {
      // "-----BEGIN " not followed by a proper label line: not a boundary, keep looking.
      pos = begin.next;
      continue;
    }
    const line = lines.at(begin.start);
    const end = findMarker(text, "-----END ", begin.next);
    const nextBegin = findMarker(text, "-----BEGIN ", begin.next);
    if (!end || (nextBegin && nextBegin.start < end.start)) {
      throw new InputError("MALFORMED_PEM", source,
        `block ${index} (BEGIN ${shortLabel(label)} on line ${line}) has no matching END line`);
    }
    const endLabel = END_LINE.exec(end.line)?.[1]?.trim();
    if (endLabel !== label) {
      throw new InputError("MALFORMED_PEM", source,
        `block ${index} starts with BEGIN ${shortLabel(label)} (line ${line}) but ends with ${shortLabel(end.line.trim())} (line ${lines.at(end.start)})`);
    }
    blocks.push({ index, label, line, body: text.slice(begin.next, end.lineStart) });
    pos = end.next;
  }
}

/** A marker at the start of a line (after optional blanks): the line's text and where it lies. */
function findMarker(text: string, marker: string, from: number): { start: number; lineStart: number; line: string; next: number } | undefined {
  for (let at = text.indexOf(marker, from); at !== -1; at = text.indexOf(marker, at + 1)) {
    let lineStart = at;
    while (lineStart > 0 && (text[lineStart - 1] === " " || text[lineStart - 1] === "\t")) lineStart--;
    if (lineStart > 0 && text[lineStart - 1] !== "\n" && text[lineStart - 1] !== "\r") continue;
    let lineEnd = at;
    while (lineEnd < text.length && text[lineEnd] !== "\n" && text[lineEnd] !== "\r") lineEnd++;
    let next = lineEnd;
    if (text[next] === "\r") next++;
    if (text[next] === "\n") next++;
    return { start: at, lineStart, line: text.slice(at, lineEnd), next };
  }
  return undefined;
}

/** 1-based line numbers of increasing offsets, counted incrementally (CRLF, LF or lone CR). */
class LineCounter {
  #pos = 0;
  #line = 1;
  constructor(private readonly text: string) {}
  at(offset: number): number {
    this.#line += countLineEnds(this.text.slice(this.#pos, offset));
    this.#pos = offset;
    return this.#line;
  }
}

/** Line ends in `text` (CRLF counts once, a lone CR or LF once each), counted without building a match array. */
function countLineEnds(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count++;
  for (let at = text.indexOf("\r"); at !== -1; at = text.indexOf("\r", at + 1)) if (text[at + 1] !== "\n") count++;
  return count;
}

/** A label as shown in messages (labels come from the file: keep them short). */
export function shortLabel(label: string): string {
  return label.length > 40 ? `${label.slice(0, 40)}...` : label;
}

const BASE64_VALUES = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Decode a block's body as strict base64: only the RFC 4648 alphabet and whitespace, padding only
 * at the end, a length that is a multiple of 4, and zero bits in the unused part of the last
 * character (the canonical encoding). Errors are `BAD_BASE64` and name the block and the line.
 */
export function decodeBlockBase64(block: PemBlock, source: string): Uint8Array {
  const all = block.body.replace(/[ \t\r\n\f\v]+/g, "");
  if (all.length === 0) throw new InputError("MALFORMED_PEM", source, `block ${block.index} (${shortLabel(block.label)}) is empty`);
  // The strict encoding of some bytes is the one base64 text that decodes to them: when decoding (native, lenient)
  // and encoding again gives the text back, every check below would pass. Otherwise they say what is wrong.
  const decoded = Buffer.from(all, "base64");
  if (decoded.toString("base64") === all) return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
  const bad = /[^A-Za-z0-9+/= \t\r\n\f\v]/.exec(block.body);
  if (bad) {
    const line = block.line + 1 + countLineEnds(block.body.slice(0, bad.index));
    throw bad64(source, block, `unexpected character ${describeChar(String.fromCodePoint(block.body.codePointAt(bad.index)!))} on line ${line}`);
  }
  const firstPad = all.indexOf("=");
  const data = firstPad === -1 ? all : all.slice(0, firstPad);
  const pad = all.length - data.length;
  if (pad > 2 || /[^=]/.test(all.slice(data.length))) {
    throw bad64(source, block, "padding \"=\" appears before the end of the data");
  }
  if (all.length % 4 !== 0) {
    throw bad64(source, block, "its length is not a multiple of 4 (cut short or padding missing)");
  }
  if (pad > 0) {
    // The last data character carries 2 (pad 2) or 4 (pad 1) unused bits that must be zero.
    const last = BASE64_VALUES.indexOf(data[data.length - 1]!);
    if ((last & (pad === 2 ? 0x0f : 0x03)) !== 0) throw bad64(source, block, "non-zero bits in the final character before the padding");
  }
  const bytes = Buffer.from(all, "base64");
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function bad64(source: string, block: PemBlock, why: string): InputError {
  return new InputError("BAD_BASE64", source, `block ${block.index} is not valid base64 (${why})`);
}

/**
 * Strict base64 of a whole text without PEM boundaries (e.g. a PKCS#12 file stored as base64 in
 * a secret store). Returns `undefined` when the text is not base64.
 */
export function decodeBareBase64(text: string): Uint8Array | undefined {
  const all = text.replace(/\s+/g, "");
  if (all.length === 0 || all.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(all)) return undefined;
  const bytes = Buffer.from(all, "base64");
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
