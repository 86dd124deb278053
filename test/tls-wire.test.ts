import { expect } from "chai";
import { createCipheriv, randomBytes } from "node:crypto";
import { connect as netConnect } from "node:net";
import { connect as tlsConnect, createSecureContext } from "node:tls";
import { presentedChain } from "../src/probe/peer.js";
import { orderReasonWords } from "../src/words/report.js";
import { RecordingStream } from "../src/probe/recorder.js";
import { decryptRecord, deriveTrafficKeys, hkdfExpandLabel, TLS13_SUITES, type TrafficKeys } from "../src/probe/tls13-keys.js";
import { findPlaintextAlert, HandshakeReassembler, looksLikeTlsStart, parseCertificateMessage, parseServerHello, WireFormatError } from "../src/probe/tls-wire.js";
import { extractWireChain } from "../src/probe/wire-chain.js";
import { tlsServer } from "./support/hostile-servers.js";
import { hexList, makeOpensslPki, skipUnlessOpenssl, pemChain } from "./support/openssl-pki.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);
const vec8 = (b: Buffer) => Buffer.concat([Buffer.from([b.length]), b]);
const vec16 = (b: Buffer) => Buffer.concat([u16(b.length), b]);
const vec24 = (b: Buffer) => Buffer.concat([u24(b.length), b]);
const message = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type]), vec24(body)]);
const record = (type: number, fragment: Buffer) => Buffer.concat([Buffer.from([type, 3, 3]), vec16(fragment)]);

// RFC 8448 §3 (Simple 1-RTT Handshake), TLS_AES_128_GCM_SHA256.
const RFC8448 = {
  serverHandshakeSecret: "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38",
  serverHandshakeKey: "3fce516009c21727d0f2e4e86ee403bc",
  serverHandshakeIv: "5d313eb2671276ee13000b30",
  clientHandshakeSecret: "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21",
  clientHandshakeKey: "dbfaa693d1762c5b666af5d950258d01",
  clientHandshakeIv: "5bd3c71b836e0b76bb73265f",
  serverAppSecret: "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643",
  serverAppKey: "9f02283b6c9c07efc26bb9f2ac92e356",
  serverAppIv: "cf782b88dd83549aadf1e984",
  serverHelloRecord:
    "160303005a020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304",
  /** EncryptedExtensions, Certificate, CertificateVerify, Finished in one protected record (679 octets). */
  serverFlightRecord:
    "17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35edf7869fcf40aa40aa2b8ea73f848a7ca07612ef9f945cb960b4068905123ea78b111b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13bd9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183ef3ab20e37d57a6b9d7477609aee6e122a4cf51427325250c7d0e509289444c9b3a648f1d71035d2ed65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd610928d809810e4b7ed1a8fd991f06aa6248204797e36a6a73b70a2559c09ead686945ba246ab66e5edd8044b4c6de3fcf2a89441ac66272fd8fb330ef8190579b3684596c960bd596eea520a56a8d650f563aad27409960dca63d3e688611ea5e22f4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad6d26f59ecaba9acbbb317b66d902f4f292a36ac1b639c637ce343117b659622245317b49eeda0c6258f100d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da8c87c843f5e56eb4c5e8280a2b48052cf93b16499a66db7cca71e4599426f7d461e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df881edbe5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb992f2b992f67f8afe67f76913fa388cb5630c8ca01e0c65d11c66a1e2ac4c85977b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038ebba42f3b38edc0399f3a9f23faa63978c317fc9fa66a73f60f0504de93b5b845e275592c12335ee340bbc4fddd502784016e4b3be7ef04dda49f4b440a30cb5d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e750edc53370d2b",
  /** The server's RSA certificate (CN=rsa) as carried in the Certificate message. */
  certificate:
    "308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c300a06035504031303727361301e170d3136303733303031323335395a170d3236303733303031323335395a300e310c300a0603550403130372736130819f300d06092a864886f70d010101050003818d0030818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced43120998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b0603551d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de1",
};

const HRR_RANDOM = hex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");
const FAKE_CERTS = [hex("3003020101"), hex("300402020102"), hex("3003020103"), hex("300402020102")];

function serverHello(opts: { version?: number; suite: number; hrr?: boolean; extensions?: boolean }): Buffer {
  const exts = opts.version === 0x0304 ? Buffer.concat([u16(0x002b), vec16(u16(0x0304))]) : Buffer.alloc(0);
  const body = Buffer.concat([
    u16(opts.version === undefined || opts.version === 0x0304 ? 0x0303 : opts.version),
    opts.hrr ? HRR_RANDOM : randomBytes(32),
    vec8(randomBytes(32)),
    u16(opts.suite),
    Buffer.from([0]),
    ...(opts.extensions === false ? [] : [vec16(exts)]),
  ]);
  return message(2, body);
}

function certificate13(ders: Buffer[]): Buffer {
  // The second entry carries a (fake) status_request extension: per-certificate extensions must be skipped.
  const entries = ders.map((d, i) => Buffer.concat([vec24(d), vec16(i === 1 ? Buffer.concat([u16(5), vec16(hex("0102030405"))]) : Buffer.alloc(0))]));
  return message(11, Buffer.concat([vec8(Buffer.alloc(0)), vec24(Buffer.concat(entries))]));
}

/** Protects `content` as one TLS 1.3 record (RFC 8446 §5.2), with `padding` zero bytes after the inner type. */
function protect(keys: TrafficKeys, seq: number, type: number, content: Buffer, padding = 0): Buffer {
  const inner = Buffer.concat([content, Buffer.from([type]), Buffer.alloc(padding)]);
  const nonce = Buffer.from(keys.iv);
  nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq) >>> 0, 8);
  const header = Buffer.concat([Buffer.from([23, 3, 3]), u16(inner.length + 16)]);
  const cipher = createCipheriv(keys.suite.cipher as "aes-128-gcm", keys.key, nonce, { authTagLength: 16 });
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(inner), cipher.final(), cipher.getAuthTag()]);
  return Buffer.concat([header, body]);
}

describe("tls wire: HKDF-Expand-Label (RFC 8448 §3 vectors)", () => {
  const label = (secret: string, what: "key" | "iv", length: number) => hkdfExpandLabel("sha256", hex(secret), what, new Uint8Array(0), length).toString("hex");
  it("derives the server handshake key and IV", () => {
    expect(label(RFC8448.serverHandshakeSecret, "key", 16)).to.equal(RFC8448.serverHandshakeKey);
    expect(label(RFC8448.serverHandshakeSecret, "iv", 12)).to.equal(RFC8448.serverHandshakeIv);
  });
  it("derives the client handshake and server application keys and IVs", () => {
    expect(label(RFC8448.clientHandshakeSecret, "key", 16)).to.equal(RFC8448.clientHandshakeKey);
    expect(label(RFC8448.clientHandshakeSecret, "iv", 12)).to.equal(RFC8448.clientHandshakeIv);
    expect(label(RFC8448.serverAppSecret, "key", 16)).to.equal(RFC8448.serverAppKey);
    expect(label(RFC8448.serverAppSecret, "iv", 12)).to.equal(RFC8448.serverAppIv);
  });
});

describe("tls wire: extracting the Certificate message", () => {
  it("decrypts RFC 8448's server flight and returns its certificate", () => {
    const bytes = Buffer.concat([hex(RFC8448.serverHelloRecord), hex(RFC8448.serverFlightRecord)]);
    const chain = extractWireChain(bytes, hex(RFC8448.serverHandshakeSecret));
    expect(chain).to.deep.include({ version: 0x0304, cipherSuite: 0x1301, helloRetryRequest: false });
    expect(hexList(chain.certificates)).to.deep.equal([RFC8448.certificate]);
  });

  it("rejects a tampered record or a wrong secret (the probe then falls back)", () => {
    const flight = hex(RFC8448.serverFlightRecord);
    flight[100]! ^= 1;
    expect(() => extractWireChain(Buffer.concat([hex(RFC8448.serverHelloRecord), flight]), hex(RFC8448.serverHandshakeSecret))).to.throw();
    const good = Buffer.concat([hex(RFC8448.serverHelloRecord), hex(RFC8448.serverFlightRecord)]);
    expect(() => extractWireChain(good, hex(RFC8448.clientHandshakeSecret))).to.throw();
    expect(() => extractWireChain(good)).to.throw(WireFormatError, /SERVER_HANDSHAKE_TRAFFIC_SECRET/);
  });

  for (const [suiteId, suite] of TLS13_SUITES) {
    it(`TLS 1.3 ${suite.name}: HRR + CCS + padding + a Certificate split over records`, () => {
      const secret = randomBytes(suite.hash === "sha384" ? 48 : 32);
      const keys = deriveTrafficKeys(suite, secret);
      const flight = Buffer.concat([message(8, vec16(Buffer.alloc(0))), certificate13(FAKE_CERTS), message(15, hex("08040000"))]);
      const cut = 40;
      const bytes = Buffer.concat([
        record(22, serverHello({ version: 0x0304, suite: suiteId, hrr: true })),
        record(20, hex("01")),
        record(22, serverHello({ version: 0x0304, suite: suiteId })),
        protect(keys, 0, 22, flight.subarray(0, cut), 7),
        protect(keys, 1, 22, flight.subarray(cut)),
      ]);
      const chain = extractWireChain(bytes, secret);
      expect(chain).to.deep.include({ version: 0x0304, cipherSuite: suiteId, helloRetryRequest: true });
      expect(hexList(chain.certificates)).to.deep.equal(hexList(FAKE_CERTS));
      const one = protect(keys, 5, 22, hex("aa"), 3);
      expect(decryptRecord(keys, 5, one.subarray(0, 5), one.subarray(5))).to.deep.equal({ type: 22, content: hex("aa") });
      expect(() => decryptRecord(keys, 6, one.subarray(0, 5), one.subarray(5)), "wrong sequence number").to.throw();
    });
  }

  it("TLS 1.2 / 1.0: clear Certificate message, fragmented across records and sharing records", () => {
    for (const version of [0x0303, 0x0301]) {
      const body = Buffer.concat([vec24(Buffer.concat(FAKE_CERTS.map(vec24)))]);
      const stream = Buffer.concat([serverHello({ version, suite: 0xc02f, extensions: version === 0x0303 }), message(11, body), message(14, Buffer.alloc(0))]);
      const records: Buffer[] = [];
      for (let at = 0; at < stream.length; at += 7) records.push(record(22, stream.subarray(at, at + 7)));
      const chain = extractWireChain(Buffer.concat(records));
      expect(chain).to.deep.include({ version, cipherSuite: 0xc02f });
      expect(hexList(chain.certificates)).to.deep.equal(hexList(FAKE_CERTS));
    }
  });

  it("reports what is missing: no Certificate, a CCS first, an alert, an incomplete stream", () => {
    const hello = record(22, serverHello({ suite: 0xc02f }));
    expect(() => extractWireChain(Buffer.concat([hello, record(22, message(14, Buffer.alloc(0)))]))).to.throw(WireFormatError, /no Certificate message/);
    expect(() => extractWireChain(Buffer.concat([hello, record(20, hex("01"))]))).to.throw(WireFormatError, /ChangeCipherSpec/);
    expect(() => extractWireChain(hex("15030300020228"))).to.throw(WireFormatError, /handshake_failure \(40\)/);
    expect(() => extractWireChain(hello.subarray(0, 20))).to.throw(WireFormatError, /no Certificate message in 20 bytes/);
    expect(() => extractWireChain(Buffer.from("HTTP/1.1 400 Bad Request\r\n"))).to.throw(WireFormatError, /not TLS/);
  });

  it("captures a real HelloRetryRequest handshake through the recorder", async function () {
    this.timeout(10000);
    skipUnlessOpenssl(this);
    const pki = makeOpensslPki();
    const server = await tlsServer({ key: pki.leaf.key, cert: pemChain(pki.leaf, pki.intermediate), minVersion: "TLSv1.3", ecdhCurve: "P-384" });
    try {
      const { bytes, secret } = await new Promise<{ bytes: Buffer; secret?: Buffer }>((resolve, reject) => {
        const raw = netConnect({ host: "127.0.0.1", port: server.port });
        raw.on("error", reject);
        raw.once("connect", () => {
          const recorder = new RecordingStream(raw, { onForeign: () => reject(new Error("foreign")) });
          let secret: Buffer | undefined;
          const tls = tlsConnect({ socket: recorder, secureContext: createSecureContext({}), rejectUnauthorized: false });
          tls.on("keylog", (line: Buffer) => {
            const [label, , value] = line.toString().trim().split(" ");
            if (label === "SERVER_HANDSHAKE_TRAFFIC_SECRET") secret = hex(value!);
          });
          tls.on("error", reject);
          tls.once("secureConnect", () => {
            resolve({ bytes: Buffer.from(recorder.bytes()), ...(secret ? { secret } : {}) });
            tls.destroy();
            raw.destroy();
          });
        });
      });
      const chain = extractWireChain(bytes, secret);
      expect(chain.helloRetryRequest).to.equal(true);
      expect(hexList(chain.certificates)).to.deep.equal(hexList([pki.leaf.der, pki.intermediate.der]));
    } finally {
      await server.close();
      pki.cleanup();
    }
  });
});

describe("tls wire: choosing between the wire and Node's view", () => {
  const bytes = Buffer.concat([hex(RFC8448.serverHelloRecord), hex(RFC8448.serverFlightRecord)]);
  const secret = hex(RFC8448.serverHandshakeSecret);
  const leaf = hex(RFC8448.certificate);
  it("uses the wire when its leaf is the one OpenSSL saw", () => {
    const chosen = presentedChain(bytes, secret, [leaf, hex("3000")]);
    expect(chosen.order).to.equal("wire");
    expect(hexList(chosen.presented)).to.deep.equal([RFC8448.certificate]);
  });
  it("falls back to a copy of the cross-check when the wire cannot be read or disagrees", () => {
    const crossCheck = [hex("3003020101"), hex("3003020102")];
    for (const chosen of [presentedChain(bytes, undefined, crossCheck), presentedChain(Buffer.alloc(0), secret, crossCheck), presentedChain(bytes, secret, crossCheck)]) {
      expect(chosen.order).to.equal("reconstructed");
      expect(hexList(chosen.presented)).to.deep.equal(hexList(crossCheck));
      expect(chosen.presented).not.to.equal(crossCheck);
    }
  });
  it("says why it fell back: no secret or no bytes is an unreadable wire (with the reader's words), another leaf is leaf-differs", () => {
    const crossCheck = [hex("3003020101"), hex("3003020102")];
    expect(presentedChain(bytes, secret, [leaf]).orderReason).to.equal(undefined);
    for (const chosen of [presentedChain(bytes, undefined, crossCheck), presentedChain(Buffer.alloc(0), secret, crossCheck)]) {
      expect(chosen.orderReason?.kind).to.equal("unreadable");
      expect(chosen.orderReason?.kind === "unreadable" && chosen.orderReason.reason).to.be.a("string").and.not.equal("");
      expect(orderReasonWords(chosen.orderReason)).to.match(/^the wire could not be parsed: ./);
    }
    expect(presentedChain(bytes, secret, crossCheck).orderReason).to.deep.equal({ kind: "leaf-differs" });
    expect(orderReasonWords({ kind: "leaf-differs" })).to.equal("its first certificate is not the one OpenSSL verified");
  });
});

describe("tls wire: building blocks", () => {
  it("reassembles handshake messages across pushes", () => {
    const r = new HandshakeReassembler();
    const a = message(8, hex("0000"));
    const b = message(11, hex("00000000"));
    const both = Buffer.concat([a, b]);
    expect(r.push(both.subarray(0, 3))).to.deep.equal([]);
    expect(r.push(both.subarray(3, 9)).map((m) => m.type)).to.deep.equal([8]);
    expect(r.buffered).to.equal(3);
    expect(r.push(both.subarray(9)).map((m) => m.type)).to.deep.equal([11]);
  });

  it("parses ServerHello versions and recognises a HelloRetryRequest", () => {
    const parse = (m: Buffer) => parseServerHello(m.subarray(4));
    expect(parse(serverHello({ version: 0x0304, suite: 0x1302 }))).to.deep.equal({ version: 0x0304, cipherSuite: 0x1302, helloRetryRequest: false });
    expect(parse(serverHello({ version: 0x0304, suite: 0x1301, hrr: true })).helloRetryRequest).to.equal(true);
    expect(parse(serverHello({ suite: 0x002f, extensions: false }))).to.deep.include({ version: 0x0303, cipherSuite: 0x002f });
    expect(() => parseServerHello(hex("0303"))).to.throw(WireFormatError, /truncated/);
  });

  it("parses both Certificate formats and rejects malformed ones", () => {
    expect(hexList(parseCertificateMessage(certificate13(FAKE_CERTS).subarray(4), true))).to.deep.equal(hexList(FAKE_CERTS));
    const tls12 = vec24(Buffer.concat(FAKE_CERTS.map(vec24)));
    expect(hexList(parseCertificateMessage(tls12, false))).to.deep.equal(hexList(FAKE_CERTS));
    expect(() => parseCertificateMessage(tls12.subarray(0, tls12.length - 1), false)).to.throw(WireFormatError);
    expect(() => parseCertificateMessage(Buffer.concat([tls12, hex("00")]), false)).to.throw(WireFormatError, /trailing/);
  });

  it("tells TLS from other first bytes", () => {
    expect(looksLikeTlsStart(hex("16"))).to.equal(true);
    expect(looksLikeTlsStart(hex("160303"))).to.equal(true);
    expect(looksLikeTlsStart(hex("150301"))).to.equal(true);
    expect(looksLikeTlsStart(Buffer.from("HTT"))).to.equal(false);
    expect(looksLikeTlsStart(Buffer.from("Rsrv"))).to.equal(false);
    expect(looksLikeTlsStart(hex("1604"))).to.equal(false);
    expect(looksLikeTlsStart(hex("160309"))).to.equal(false);
  });

  it("finds an alert sent in clear", () => {
    expect(findPlaintextAlert(hex("15030300020246"))).to.deep.equal({ level: 2, description: 70 });
    expect(findPlaintextAlert(Buffer.from("junk"))).to.equal(undefined);
  });
});
