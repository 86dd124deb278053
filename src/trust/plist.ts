/**
 * Apple XML property lists, as `security trust-settings-export` writes them (CFPropertyListCreateXMLData):
 * a small, bounded reader for the elements of the format (plist, dict, key, array, string, data, date,
 * integer, real, true, false). Pure. A library (`plist`, with @xmldom/xmldom and xmlbuilder: ~0.9 MB
 * installed, ~35 ms to import) would be used for one macOS-only file of a few KB.
 * https://developer.apple.com/library/archive/documentation/Cocoa/Conceptual/PropertyLists/
 */

export type PlistValue = string | number | boolean | Uint8Array | Date | readonly PlistValue[] | PlistDict;
/** A `<dict>`: a Map, so keys from the file never touch object prototypes. */
export type PlistDict = ReadonlyMap<string, PlistValue>;

/** The text is not a well-formed property list; the message says what and where. */
export class PlistError extends Error {
  override readonly name = "PlistError";
}

/** Nesting bound: Apple's trust settings nest 4 levels deep. */
const MAX_DEPTH = 32;
const ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: "\"", apos: "'" };

interface Tag {
  readonly name: string;
  readonly closing: boolean;
  readonly empty: boolean;
  readonly at: number;
}

/** Parses a whole XML property list (with or without the `<plist>` wrapper). */
export function parsePlist(text: string): PlistValue {
  const reader = new Reader(text.replace(/^\ufeff/, ""));
  let tag = reader.tag();
  const wrapped = tag.name === "plist" && !tag.closing;
  if (wrapped) tag = reader.tag();
  const value = reader.value(tag, 0);
  if (wrapped) reader.close("plist");
  reader.end();
  return value;
}

/** The dictionary `value` when it is one, else undefined. */
export function asDict(value: PlistValue | undefined): PlistDict | undefined {
  return value instanceof Map ? value : undefined;
}

class Reader {
  #pos = 0;
  constructor(readonly text: string) {}

  /** The next element tag, skipping whitespace, the XML declaration, the DOCTYPE and comments. */
  tag(): Tag {
    this.#skipMisc();
    const at = this.#pos;
    if (this.text[at] !== "<") throw this.#error(at, this.#pos >= this.text.length ? "the property list ends early" : "text where an element was expected");
    const close = this.text.indexOf(">", at);
    if (close === -1) throw this.#error(at, "an unterminated tag");
    // Attributes (`<plist version="1.0">`) carry nothing a reader needs.
    const m = /^<(\/?)([A-Za-z]+)(?:\s+[A-Za-z]+="[^"<>]*")*\s*(\/?)$/.exec(this.text.slice(at, close));
    if (!m) throw this.#error(at, `an unsupported tag ${JSON.stringify(this.text.slice(at, Math.min(close + 1, at + 40)))}`);
    this.#pos = close + 1;
    return { name: m[2]!, closing: m[1] === "/", empty: m[3] === "/", at };
  }

  value(tag: Tag, depth: number): PlistValue {
    if (tag.closing) throw this.#error(tag.at, `</${tag.name}> where a value was expected`);
    if (depth > MAX_DEPTH) throw this.#error(tag.at, `nesting deeper than ${MAX_DEPTH} levels`);
    switch (tag.name) {
      case "dict": return tag.empty ? new Map() : this.#dict(depth);
      case "array": return tag.empty ? [] : this.#array(depth);
      case "string": return tag.empty ? "" : this.#text("string");
      case "data": return tag.empty ? new Uint8Array(0) : this.#data(tag.at);
      case "date": return this.#date(tag);
      case "integer": return this.#number(tag, /^[+-]?\d{1,18}$/);
      case "real": return this.#number(tag, /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/);
      case "true":
      case "false":
        if (!tag.empty) this.close(tag.name);
        return tag.name === "true";
      default:
        throw this.#error(tag.at, `an unknown element <${tag.name}>`);
    }
  }

  close(name: string): void {
    const tag = this.tag();
    if (!tag.closing || tag.name !== name) throw this.#error(tag.at, `<${tag.closing ? "/" : ""}${tag.name}> where </${name}> was expected`);
  }

  end(): void {
    this.#skipMisc();
    if (this.#pos < this.text.length) throw this.#error(this.#pos, "content after the end of the property list");
  }

  #dict(depth: number): PlistDict {
    const dict = new Map<string, PlistValue>();
    for (;;) {
      const tag = this.tag();
      if (tag.closing && tag.name === "dict") return dict;
      if (tag.name !== "key" || tag.closing) throw this.#error(tag.at, `<${tag.name}> where a <key> was expected`);
      const key = tag.empty ? "" : this.#text("key");
      if (dict.has(key)) throw this.#error(tag.at, `the key ${JSON.stringify(key)} twice in one <dict>`);
      dict.set(key, this.value(this.tag(), depth + 1));
    }
  }

  #array(depth: number): PlistValue[] {
    const items: PlistValue[] = [];
    for (;;) {
      const tag = this.tag();
      if (tag.closing && tag.name === "array") return items;
      items.push(this.value(tag, depth + 1));
    }
  }

  /** Character data up to `</name>`, entities decoded; no markup inside. */
  #text(name: string): string {
    const start = this.#pos;
    const end = this.text.indexOf("<", start);
    if (end === -1) throw this.#error(start, `an unterminated <${name}>`);
    const raw = this.text.slice(start, end);
    this.#pos = end;
    this.close(name);
    return raw.replace(/&(#x[0-9A-Fa-f]{1,6}|#\d{1,7}|[a-z]+);|&/g, (whole, ref: string | undefined) => {
      if (ref === undefined) throw this.#error(start, "a bare \"&\" in text");
      if (ref.startsWith("#")) {
        const code = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        if (code > 0x10ffff) throw this.#error(start, `the character reference ${whole}`);
        return String.fromCodePoint(code);
      }
      const ch = ENTITIES[ref];
      if (ch === undefined) throw this.#error(start, `the unknown entity ${whole}`);
      return ch;
    });
  }

  #data(at: number): Uint8Array {
    const b64 = this.#text("data").replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw this.#error(at, "a <data> element that is not base64");
    const bytes = Buffer.from(b64, "base64");
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #date(tag: Tag): Date {
    const text = tag.empty ? "" : this.#text("date").trim();
    const date = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(text) ? new Date(text) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime())) throw this.#error(tag.at, `the date ${JSON.stringify(text.slice(0, 40))}`);
    return date;
  }

  #number(tag: Tag, shape: RegExp): number {
    const text = tag.empty ? "" : this.#text(tag.name).trim();
    if (!shape.test(text)) throw this.#error(tag.at, `the ${tag.name} ${JSON.stringify(text.slice(0, 40))}`);
    return Number(text);
  }

  #skipMisc(): void {
    for (;;) {
      while (this.#pos < this.text.length && /\s/.test(this.text[this.#pos]!)) this.#pos++;
      const next = [["<?", "?>"], ["<!--", "-->"], ["<!DOCTYPE", ">"]].find(([open]) => this.text.startsWith(open!, this.#pos));
      if (!next) return;
      const end = this.text.indexOf(next[1]!, this.#pos + next[0]!.length);
      if (end === -1) throw this.#error(this.#pos, `an unterminated ${next[0]}`);
      this.#pos = end + next[1]!.length;
    }
  }

  #error(at: number, what: string): PlistError {
    const line = 1 + (this.text.slice(0, at).match(/\n/g)?.length ?? 0);
    return new PlistError(`line ${line}: ${what}`);
  }
}
