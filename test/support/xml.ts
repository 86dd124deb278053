/**
 * A small XML 1.0 parser for tests (no regular expressions, no package): throws with the offset on anything not
 * well-formed, in the subset JUnit reports use (no DTD).
 */

export interface XmlElement {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

/** XML 1.0 §2.2 Char. */
function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}
const isNameChar = (ch: string) => (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9") || ch === "-" || ch === "_" || ch === "." || ch === ":";
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" };

/** Parses a document; throws with the offset on anything not well-formed (the subset JUnit reports use: no DTD). */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed at ${i}: ${why} (${JSON.stringify(xml.slice(i, i + 40))})`);
  };
  for (const ch of xml) if (!isXmlChar(ch.codePointAt(0)!)) fail(`forbidden character U+${ch.codePointAt(0)!.toString(16)}`);
  for (let k = 0; k < xml.length; k++) {
    const c = xml.charCodeAt(k);
    if (c >= 0xd800 && c <= 0xdbff && !(xml.charCodeAt(k + 1) >= 0xdc00 && xml.charCodeAt(k + 1) <= 0xdfff)) fail("lone surrogate");
  }
  const name = (): string => {
    const start = i;
    while (i < xml.length && isNameChar(xml[i]!)) i++;
    if (i === start) fail("expected a name");
    return xml.slice(start, i);
  };
  const spaces = () => { while (xml[i] === " " || xml[i] === "\n" || xml[i] === "\t" || xml[i] === "\r") i++; };
  const reference = (): string => {
    const end = xml.indexOf(";", i);
    if (end < 0 || end - i > 12) fail("unterminated reference");
    const body = xml.slice(i + 1, end);
    i = end + 1;
    if (body.startsWith("#")) {
      const cp = body[1] === "x" ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      if (!Number.isInteger(cp) || !isXmlChar(cp)) fail(`bad character reference &${body};`);
      return String.fromCodePoint(cp);
    }
    return ENTITIES[body] ?? fail(`unknown entity &${body};`);
  };
  const chars = (stop: string, inAttr: boolean): string => {
    let out = "";
    while (i < xml.length && xml[i] !== stop) {
      if (xml[i] === "<") fail("'<' in character data or attribute");
      if (!inAttr && xml.startsWith("]]>", i)) fail("']]>' in character data");
      if (xml[i] === "&") out += reference();
      else out += xml[i++];
    }
    return out;
  };
  const element = (): XmlElement => {
    i++; // "<"
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: "" };
    for (;;) {
      spaces();
      if (xml.startsWith("/>", i)) { i += 2; return el; }
      if (xml[i] === ">") { i++; break; }
      const attr = name();
      spaces();
      if (xml[i] !== "=") fail("expected '='");
      i++;
      spaces();
      const quote = xml[i];
      if (quote !== "\"" && quote !== "'") fail("expected a quoted value");
      i++;
      if (attr in el.attrs) fail(`duplicate attribute ${attr}`);
      el.attrs[attr] = chars(quote!, true);
      i++;
    }
    for (;;) {
      if (i >= xml.length) fail(`unclosed <${el.name}>`);
      if (xml.startsWith("</", i)) {
        i += 2;
        if (name() !== el.name) fail(`mismatched end tag for <${el.name}>`);
        spaces();
        if (xml[i] !== ">") fail("expected '>'");
        i++;
        return el;
      }
      if (xml[i] === "<") el.children.push(element());
      else el.text += chars("<", false);
    }
  };
  if (xml.startsWith("<?xml")) {
    i = xml.indexOf("?>") + 2;
    if (i < 2) fail("unterminated declaration");
  }
  spaces();
  if (xml[i] !== "<") fail("expected the root element");
  const root = element();
  spaces();
  if (i !== xml.length) fail("content after the root element");
  return root;
}

export const children = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.name === name);
