/**
 * The server side of a TLS 1.2 handshake that goes exactly as far as a client's certificate verification (RFC 5246
 * §7.4): ServerHello, Certificate (the chain to judge, as given), an ECDHE ServerKeyExchange whose signature is
 * deliberately invalid, ServerHelloDone. A client verifies the Certificate message before it checks that signature, so
 * its verify result is OpenSSL's verdict on the chain, and the handshake then always fails: no private key is needed
 * and no connection is ever established. Pure: the caller supplies the random bytes and the ephemeral public key.
 */
import type { Certificate } from "../types.js";
import { CONTENT, HANDSHAKE, u16List, type ClientHello } from "../probe/tls-wire.js";

const TLS12 = 0x0303;
const EXT = { supportedGroups: 0x000a, signatureAlgorithms: 0x000d, renegotiationInfo: 0xff01 } as const;
/** Named groups the ServerKeyExchange may use: any 32 bytes are an X25519 key; P-256 needs a real point. */
export const GROUPS = { x25519: 29, secp256r1: 23 } as const;
export type GroupName = keyof typeof GROUPS;

/** ECDHE suites by the key that signs (RFC 8422, RFC 5289, RFC 7905), preferred first. */
const ECDSA_SUITES = [0xc02b, 0xc02c, 0xcca9, 0xc023, 0xc024, 0xc009, 0xc00a];
const RSA_SUITES = [0xc02f, 0xc030, 0xcca8, 0xc027, 0xc028, 0xc013, 0xc014];

/** Signature schemes by leaf key type (RFC 8446 §4.2.3, valid in TLS 1.2), preferred first. */
const SCHEMES: Readonly<Record<string, readonly number[]>> = {
  ec: [0x0403, 0x0503, 0x0603],
  ed25519: [0x0807],
  ed448: [0x0808],
  rsa: [0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601],
  "rsa-pss": [0x0809, 0x080a, 0x080b],
};

export interface FlightParameters {
  readonly cipherSuite: number;
  readonly signatureScheme: number;
  readonly group: GroupName;
}

/** The suite, signature scheme and group for this leaf's key among what the client offers, or why there is none. */
export function chooseParameters(hello: ClientHello, leaf: Certificate): FlightParameters | string {
  const type = leaf.publicKey.type;
  const schemes = SCHEMES[type];
  if (!schemes) return `a ${type} server key cannot sign a TLS 1.2 ECDHE key exchange`;
  const suites = type === "rsa" || type === "rsa-pss" ? RSA_SUITES : ECDSA_SUITES;
  const cipherSuite = suites.find((s) => hello.cipherSuites.includes(s));
  if (cipherSuite === undefined) return `the client offers no ECDHE cipher suite for a ${type} key`;
  const offered = u16List(hello.extensions.get(EXT.signatureAlgorithms));
  const signatureScheme = schemes.find((s) => offered.includes(s));
  if (signatureScheme === undefined) return `the client offers no signature scheme for a ${type} key`;
  const groups = u16List(hello.extensions.get(EXT.supportedGroups));
  const group = groups.includes(GROUPS.x25519) ? "x25519" : groups.includes(GROUPS.secp256r1) ? "secp256r1" : null;
  if (!group) return "the client offers neither X25519 nor P-256";
  return { cipherSuite, signatureScheme, group };
}

/** A signature of the right shape for the scheme that no key made (it verifies for nobody). */
function invalidSignature(leaf: Certificate): Buffer {
  const type = leaf.publicKey.type;
  if (type === "ec") return Buffer.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]); // ECDSA-Sig-Value r = s = 1
  if (type === "ed25519") return Buffer.alloc(64);
  if (type === "ed448") return Buffer.alloc(114);
  // RSA: the integer 1 at the modulus length (1^e = 1: no valid padding).
  const length = Math.ceil((leaf.publicKey.bits ?? 2048) / 8);
  const sig = Buffer.alloc(length);
  sig[length - 1] = 1;
  return sig;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u24(n: number): Buffer {
  const b = Buffer.alloc(3);
  b.writeUIntBE(n, 0, 3);
  return b;
}

function handshake(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), u24(body.length), body]);
}

/** Handshake bytes in records of at most 2^14 bytes (RFC 5246 §6.2.1). */
function records(bytes: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 16384) {
    const fragment = bytes.subarray(at, at + 16384);
    out.push(Buffer.from([CONTENT.handshake]), u16(TLS12), u16(fragment.length), fragment);
  }
  return Buffer.concat(out);
}

export interface FlightInput {
  readonly parameters: FlightParameters;
  /** The chain to present, in order (DER). */
  readonly chain: readonly Uint8Array[];
  readonly leaf: Certificate;
  /** 32 bytes of ServerHello.random. */
  readonly random: Uint8Array;
  /** The ephemeral public key for `parameters.group` (32 bytes for X25519, 65 uncompressed for P-256). */
  readonly ephemeralPublicKey: Uint8Array;
}

/** ServerHello, Certificate, ServerKeyExchange (invalid signature) and ServerHelloDone as TLS records. */
export function serverFlight(input: FlightInput): Buffer {
  const { parameters } = input;
  // renegotiation_info: OpenSSL 3 clients refuse servers without it (unsafe legacy renegotiation).
  const extensions = Buffer.concat([u16(EXT.renegotiationInfo), u16(1), Buffer.from([0])]);
  const hello = Buffer.concat([
    u16(TLS12), Buffer.from(input.random), Buffer.from([0]), u16(parameters.cipherSuite), Buffer.from([0]), u16(extensions.length), extensions,
  ]);
  const list = Buffer.concat(input.chain.map((der) => Buffer.concat([u24(der.length), Buffer.from(der)])));
  const certificate = Buffer.concat([u24(list.length), list]);
  const point = Buffer.from(input.ephemeralPublicKey);
  const signature = invalidSignature(input.leaf);
  const keyExchange = Buffer.concat([
    Buffer.from([3]), u16(GROUPS[parameters.group]), Buffer.from([point.length]), point, // named_curve ECParameters + ECPoint
    u16(parameters.signatureScheme), u16(signature.length), signature,
  ]);
  return records(Buffer.concat([
    handshake(HANDSHAKE.serverHello, hello),
    handshake(HANDSHAKE.certificate, certificate),
    handshake(HANDSHAKE.serverKeyExchange, keyExchange),
    handshake(HANDSHAKE.serverHelloDone, Buffer.alloc(0)),
  ]));
}
