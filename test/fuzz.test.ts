/**
 * Robustness: mutated DER and PEM of real certificates (fixtures/) fed to the certificate parser,
 * the container decoder and the validator, with a fixed seed and fixed iteration counts. Only the
 * documented typed errors may escape (CertificateParseError from parseCertificate, InputError from
 * decodeCertificates; validateChain takes parsed certificates and must not throw at all), and each
 * case must finish within a bound (no hang, no quadratic blow-up).
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CertificateParseError, parseCertificate, readCertificate } from "../src/cert/parse.js";
import { decodeCertificates } from "../src/input/decode.js";
import { InputError } from "../src/input/errors.js";
import { validateChain } from "../src/validate/validate.js";
import type { Certificate } from "../src/types.js";
import { MUTATIONS, mutateDer, mutatePem, prng, type Random } from "./support/fuzz.js";
import { FIXTURES, anchorsOf, pemDers } from "./support/scenarios.js";

const SEED = 0x6c696d62; // "limb"
const PARSER_CASES = 3000;
const PEM_CASES = 1000;
const CONTAINER_CASES = 400;
const VALIDATOR_CASES = 1500;
/** Per-case bound: parsing takes well under a millisecond, a validation a few. */
const MAX_CASE_MS = 500;

const pemFile = (...p: string[]) => pemDers(readFileSync(join(FIXTURES, ...p), "utf8"));
/** Certificates of several key types and extensions (RSA, P-256/384/521, Ed25519, RSA-PSS, name constraints, IP SANs). */
const CORPUS: Uint8Array[] = [
  ...pemFile("ca", "fullchain.pem"), ...pemFile("ca", "root.pem"), ...pemFile("ca", "other-intermediate.pem"),
  ...["ed25519", "rsa-pss", "ecdsa-p521", "ecdsa-p384", "name-constraints-violation", "ip-san"]
    .flatMap((s) => { try { return pemFile("scenarios", s, "presented.pem"); } catch { return []; } }),
];

interface Failure { readonly where: string; readonly detail: string }

/** Runs `fn` on input `i`; records an escaped error of the wrong type, or a case over the time bound. */
async function probe(failures: Failure[], where: string, input: Uint8Array | string, allowed: (e: unknown) => boolean, fn: () => unknown) {
  const started = performance.now();
  try {
    await fn();
  } catch (e) {
    if (!allowed(e)) failures.push({ where, detail: `${(e as Error)?.name}: ${(e as Error)?.message} (input ${Buffer.from(input as Uint8Array).toString("hex").slice(0, 120)}…)` });
  }
  const ms = performance.now() - started;
  if (ms > MAX_CASE_MS) failures.push({ where, detail: `took ${ms.toFixed(0)} ms` });
}

const pick = <T>(rnd: Random, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;

describe("fuzz: mutated DER and PEM (fixed seed)", function () {
  this.timeout(120_000);

  it(`parseCertificate: ${PARSER_CASES} mutated certificates throw only CertificateParseError`, async () => {
    expect(CORPUS.length).to.be.greaterThan(6);
    const rnd = prng(SEED);
    const failures: Failure[] = [];
    for (let i = 0; i < PARSER_CASES; i++) {
      const input = mutateDer(pick(rnd, CORPUS), MUTATIONS[i % MUTATIONS.length]!, rnd);
      await probe(failures, `parse #${i}`, input, (e) => e instanceof CertificateParseError, () => parseCertificate(input));
    }
    expect(failures).to.deep.equal([]);
  });

  it(`readCertificate: the same ${PARSER_CASES} mutated certificates never throw; an undecodable one names why`, () => {
    const rnd = prng(SEED);
    const wrong: string[] = [];
    for (let i = 0; i < PARSER_CASES; i++) {
      const input = mutateDer(pick(rnd, CORPUS), MUTATIONS[i % MUTATIONS.length]!, rnd);
      let parsed: boolean;
      try {
        parseCertificate(input);
        parsed = true;
      } catch {
        parsed = false;
      }
      const cert = readCertificate(input);
      // Unreadable exactly when the strict parser refuses it; the report can always name it by SHA-256.
      if ((cert.unreadable === undefined) !== parsed || cert.sha256.length !== 64 || Number.isNaN(cert.notAfter.getTime())) wrong.push(`#${i}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it(`decodeCertificates: ${PEM_CASES} mutated PEM bundles throw only InputError`, async () => {
    const rnd = prng(SEED + 1);
    const failures: Failure[] = [];
    const chain = pemFile("formats", "chain.pem");
    for (let i = 0; i < PEM_CASES; i++) {
      const text = mutatePem(chain, rnd);
      await probe(failures, `pem #${i}`, Buffer.from(text), (e) => e instanceof InputError, () => decodeCertificates(Buffer.from(text), { name: "fuzz.pem" }));
    }
    expect(failures).to.deep.equal([]);
  });

  for (const file of ["leaf.der", "chain.p7b.der", "chain-nopass.p12"]) {
    it(`decodeCertificates: ${CONTAINER_CASES} mutations of ${file} throw only InputError`, async () => {
      const rnd = prng(SEED + 1 + file.length);
      const failures: Failure[] = [];
      const original = new Uint8Array(readFileSync(join(FIXTURES, "formats", file)));
      for (let i = 0; i < CONTAINER_CASES; i++) {
        const input = mutateDer(original, MUTATIONS[i % MUTATIONS.length]!, rnd);
        await probe(failures, `${file} #${i}`, input, (e) => e instanceof InputError, () => decodeCertificates(input, { name: file }));
      }
      expect(failures).to.deep.equal([]);
    });
  }

  it(`validateChain: ${VALIDATOR_CASES} chains with a mutated certificate never throw`, async () => {
    const rnd = prng(SEED + 2);
    const failures: Failure[] = [];
    const [leaf, intermediate] = pemFile("ca", "fullchain.pem").map(parseCertificate) as [Certificate, Certificate];
    const root = parseCertificate(pemFile("ca", "root.pem")[0]!);
    const at = new Date(leaf.notBefore.getTime() + 86_400_000);
    const chain = [leaf, intermediate, root];
    let validated = 0;
    for (let i = 0; i < VALIDATOR_CASES; i++) {
      const target = Math.floor(rnd() * chain.length);
      const input = mutateDer(chain[target]!.der, MUTATIONS[i % MUTATIONS.length]!, rnd);
      let mutated: Certificate;
      try {
        mutated = parseCertificate(input);
      } catch {
        continue; // the parser test covers what does not parse
      }
      validated++;
      const certs = chain.map((c, k) => (k === target ? mutated : c));
      const presented = certs.slice(0, 2);
      const anchors = anchorsOf([certs[2]!]);
      const options = { host: pick(rnd, ["tabpy.chaincheck.test", "127.0.0.1", "other.test", null]), at, partialChain: rnd() < 0.5, warnDays: 30 };
      await probe(failures, `validate #${i}`, input, () => false, () => validateChain(presented, anchors, options));
    }
    expect(validated, "mutations that still parse").to.be.greaterThan(200);
    expect(failures).to.deep.equal([]);
  });
});
