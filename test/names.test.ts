/** Unit tables (Go verify_test / webpki style): host name matching, DNS name constraints, IP text, DER strictness. */
import { expect } from "chai";
import { dnsNameMatches, isValidHostName, normalizeDnsName } from "../src/validate/hostname.js";
import { dnsWithinConstraint } from "../src/validate/name-constraints.js";
import { formatIp, parseIp } from "../src/cert/ip.js";
import { DerError, readRoot, readTime, readOid, readTlv } from "../src/asn1/der.js";
import { nameKey, normaliseValue } from "../src/cert/name.js";
import { nameDer, STRING_TAG } from "../src/pki/patch.js";

/** One row: [SAN pattern, host, matches]. */
const HOSTNAME_ROWS: [string, string, boolean][] = [
  ["tabpy.corp.example", "tabpy.corp.example", true],
  ["TabPy.Corp.Example", "tabpy.corp.example", true], // case-insensitive ASCII
  ["tabpy.corp.example.", "tabpy.corp.example", true], // trailing dot on the pattern
  ["tabpy.corp.example", "tabpy.corp.example.", true], // trailing dot on the host
  ["tabpy.corp.example", "rserve.corp.example", false],
  ["*.corp.example", "tabpy.corp.example", true], // left-most label wildcard
  ["*.corp.example", "a.b.corp.example", false], // never more than one label
  ["*.corp.example", "corp.example", false], // never the bare parent
  ["*.corp.example", ".corp.example", false], // empty label
  ["*.example", "corp.example", false], // at least two labels after the wildcard
  ["t*.corp.example", "tabpy.corp.example", false], // no partial-label wildcard
  ["*py.corp.example", "tabpy.corp.example", false],
  ["tabpy.*.example", "tabpy.corp.example", false], // wildcard only left-most
  ["*.*.example", "a.b.example", false],
  ["**.corp.example", "a.corp.example", false],
  ["*.corp.example", "*.corp.example", false], // a host name never contains "*"
  ["xn--bcher-kva.example", "xn--bcher-kva.example", true], // A-labels compare as ASCII
  ["tabpy.corp.example", "tabpy.corp.example..", false],
];

describe("host name matching (RFC 6125 §6.4)", () => {
  for (const [pattern, host, want] of HOSTNAME_ROWS) {
    it(`${pattern} ${want ? "matches" : "does not match"} ${host}`, () => expect(dnsNameMatches(pattern, host)).to.equal(want));
  }
  it("normalises case and one trailing dot only", () => {
    expect(normalizeDnsName("A.Example.")).to.equal("a.example");
    expect(normalizeDnsName("a.example..")).to.equal("a.example.");
  });
  it("rejects malformed host names", () => {
    for (const bad of ["", "a..b", "-a.example", "a-.example", "a b.example", "a".repeat(64) + ".example"]) {
      expect(isValidHostName(bad), bad).to.equal(false);
    }
  });
});

describe("DNS name constraints (RFC 5280 §4.2.1.10)", () => {
  const rows: [string, string, boolean][] = [
    ["tabpy.corp.example", "corp.example", true],
    ["corp.example", "corp.example", true],
    ["tabpy.corp.example", "example", true],
    ["evilcorp.example", "corp.example", false], // label boundary
    ["TABPY.CORP.EXAMPLE", "corp.example", true],
    ["anything.example", "", true], // the empty constraint matches every name
  ];
  for (const [name, constraint, want] of rows) {
    it(`${name} ${want ? "is" : "is not"} within "${constraint}"`, () => expect(dnsWithinConstraint(name, constraint)).to.equal(want));
  }
});

describe("IP addresses as text and bytes", () => {
  const rows: [string, string | null][] = [
    ["127.0.0.1", "127.0.0.1"], ["::1", "::1"], ["0:0:0:0:0:0:0:1", "::1"], ["2001:DB8::1", "2001:db8::1"],
    ["::ffff:192.0.2.1", "::ffff:c000:201"], ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["010.0.0.1", null], ["256.0.0.1", null], ["1.2.3", null], ["1::2::3", null], ["tabpy.corp.example", null], ["", null],
  ];
  for (const [text, canonical] of rows) {
    it(`${text || "(empty)"} -> ${canonical ?? "not an IP"}`, () => {
      const bytes = parseIp(text);
      expect(bytes ? formatIp(bytes) : null).to.equal(canonical);
    });
  }
});

describe("strict DER reader", () => {
  const bad: [string, string][] = [
    ["indefinite length", "3080"],
    ["non-minimal long length", "30810100"],
    ["length past the end", "3005020101"],
    ["trailing bytes", "3003020101ff"],
    ["truncated header", "30"],
  ];
  for (const [what, hex] of bad) {
    it(`rejects ${what}`, () => expect(() => readRoot(Buffer.from(hex, "hex"))).to.throw(DerError));
  }
  it("decodes OIDs and refuses non-minimal arcs", () => {
    expect(readOid(readTlv(Buffer.from("06092a864886f70d01010b", "hex"), 0), "oid")).to.equal("1.2.840.113549.1.1.11");
    expect(() => readOid(readTlv(Buffer.from("0603808001", "hex"), 0), "oid")).to.throw(DerError);
  });
  it("reads UTCTime with the 1950-2049 window and GeneralizedTime; rejects impossible dates", () => {
    const time = (tag: number, text: string) => readTime(readTlv(Buffer.from([tag, text.length, ...Buffer.from(text)]), 0), "t");
    expect(time(0x17, "491231235959Z").toISOString()).to.equal("2049-12-31T23:59:59.000Z");
    expect(time(0x17, "500101000000Z").toISOString()).to.equal("1950-01-01T00:00:00.000Z");
    expect(time(0x18, "20500101000000Z").toISOString()).to.equal("2050-01-01T00:00:00.000Z");
    expect(() => time(0x17, "490230000000Z")).to.throw(DerError);
    expect(() => time(0x17, "4912312359Z")).to.throw(DerError);
  });
});

describe("Name normalisation (RFC 5280 §7.1, OpenSSL's asn1_string_canon)", () => {
  const rows: [string, string][] = [
    ["Example CA", "example ca"],
    ["  Example \t\n CA  ", "example ca"], // leading/trailing white space dropped, inner runs made one space
    ["EXAMPLE\u00a0CA", "example\u00a0ca"], // only ASCII white space collapses
    ["\u00c9cole", "\u00c9cole"], // only ASCII letters fold
    ["", ""],
  ];
  for (const [value, normalised] of rows) {
    it(`${JSON.stringify(value)} -> ${JSON.stringify(normalised)}`, () => expect(normaliseValue(value)).to.equal(normalised));
  }
  it("a multi-valued RDN compares as a set, whatever the encoding order of its attributes", () => {
    const a = { oid: "2.5.4.3", tag: STRING_TAG.printable, value: "A" };
    const b = { oid: "2.5.4.11", tag: STRING_TAG.utf8, value: "b" };
    expect(nameKey(nameDer([[a, b]]))).to.equal(nameKey(nameDer([[b, { ...a, value: "a" }]])));
    expect(nameKey(nameDer([[a], [b]]))).to.not.equal(nameKey(nameDer([[a, b]])));
  });
  it("the empty Name has the empty key (as OpenSSL's canon_enc)", () => expect(nameKey(nameDer([]))).to.equal(""));
});
