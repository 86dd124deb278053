/**
 * A run's chain verdicts, one per distinct question: a fleet whose servers present the same chain has it parsed,
 * validated, advised on (and proven by OpenSSL) once. The key is everything the verdict depends on: the presented
 * certificates (DER SHA-256, in order), the name checked and whether it was the target's own, the service, the held
 * certificates and their origins, the validation time, model and warning window, the target OS, the trust anchors
 * and the store's intermediates (by identity: one run loads them once), and what the OpenSSL proof is given. Only
 * the target's endpoint differs between two answers, and it is put back. Bounded: the oldest entries go first.
 */
import { createHash } from "node:crypto";
import { readCertificate } from "../cert/parse.js";
import type { CheckInput } from "../result/chain-result.js";
import type { ChainVerdict } from "../result/verdict.js";
import type { Certificate } from "../types.js";

/** Distinct chains (and certificates) remembered at once: a fleet of distinct chains keeps only this many. */
const MAX_VERDICTS = 256;
const MAX_CERTIFICATES = 1024;

/** What the OpenSSL proof of a verdict is given besides the chain: the store's PEM, and whether `at` is now. */
export interface ProofInputs {
  readonly storePems: readonly string[];
  readonly sameTime: boolean;
}

export class ChainVerdicts {
  readonly #certificates = new Map<string, Certificate>();
  readonly #verdicts = new Map<string, Promise<ChainVerdict>>();
  readonly #ids = new WeakMap<object, number>();
  #nextId = 1;

  /** The certificates of `ders`, each parsed once per run. */
  certificates(ders: readonly Uint8Array[]): Certificate[] {
    return ders.map((der) => {
      const key = createHash("sha256").update(der).digest("hex");
      let cert = this.#certificates.get(key);
      if (!cert) remember(this.#certificates, key, (cert = readCertificate(der)), MAX_CERTIFICATES);
      return cert;
    });
  }

  /**
   * The verdict `compute` gives for `input`, computed once per distinct key (concurrent askers share the one
   * computation; a failed one, or one OpenSSL could not be asked for, is forgotten). `input.bundle` (a file's order) is never cached.
   */
  async judge(input: CheckInput, proof: ProofInputs, compute: () => Promise<ChainVerdict>): Promise<ChainVerdict> {
    const key = this.#key(input, proof);
    if (key === undefined) return compute();
    let verdict = this.#verdicts.get(key);
    if (!verdict) {
      verdict = compute();
      remember(this.#verdicts, key, verdict, MAX_VERDICTS);
      // A failed computation, or one whose OpenSSL proof ran out of the asking target's time, is not the chain's answer.
      const forget = () => this.#verdicts.get(key) === verdict && this.#verdicts.delete(key);
      verdict.then((v) => v.remediation.opensslProof?.some((c) => c.verdict === "unavailable") && forget(), forget);
    }
    return { ...(await verdict), target: input.target };
  }

  #id(value: object | undefined): number {
    if (value === undefined) return 0;
    let id = this.#ids.get(value);
    if (id === undefined) this.#ids.set(value, (id = this.#nextId++));
    return id;
  }

  #key(input: CheckInput, proof: ProofInputs): string | undefined {
    // Every field of CheckInput is named here: a new one does not compile until it is keyed (or shown not to matter).
    const {
      target: _target, service, presented, anchors, host, at, partialChain, warnDays, heldIntermediates, storeIntermediates, targetOs,
      advice, bundle, hostFromTarget, opensslProof, ...unkeyed
    } = input;
    const none: Record<string, never> = unkeyed;
    void none;
    if (bundle !== undefined || opensslProof !== undefined) return undefined;
    const { downloaded, aia, derFile, savesAnchors, ...unkeyedAdvice } = advice ?? {};
    const noAdvice: Record<string, never> = unkeyedAdvice;
    void noAdvice;
    return JSON.stringify([
      presented.map((c) => c.sha256), host, hostFromTarget === true, service, at.getTime(), partialChain, warnDays, targetOs,
      (heldIntermediates ?? []).map((c) => c.sha256), this.#id(anchors), this.#id(storeIntermediates),
      [...(downloaded ?? new Map<string, string>())], aia === true, derFile ?? null, savesAnchors === true,
      this.#id(proof.storePems), proof.sameTime,
    ]);
  }
}

/** Adds `key` to `map`, dropping the oldest entry past `max` (Map keeps insertion order). */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value!);
}
