/** I/O: certificate files in, parsed certificates out, with one-line errors (exit 2). */
import type { Certificate } from "../types.js";
import { CertificateParseError, parseCertificate } from "../cert/parse.js";
import { InputError } from "../input/errors.js";
import { readCertificateFile, type ReadOptions } from "../input/read.js";

export interface LoadedCertificates {
  /** What a server loading the file presents, in order. */
  readonly certificates: Certificate[];
  /** The file's other certificates (a keystore's CA entries beside its key's chain): held, not presented. */
  readonly held: Certificate[];
  readonly format: string;
}

/** Parses each DER; a certificate that cannot be parsed is an input error naming it. */
export function parseAll(ders: readonly Uint8Array[], source: string): Certificate[] {
  return ders.map((der, i) => {
    try {
      return parseCertificate(der);
    } catch (err) {
      if (err instanceof CertificateParseError) throw new InputError("MALFORMED_DER", source, `certificate ${i + 1}: ${err.message}`);
      throw err;
    }
  });
}

export async function loadCertificates(path: string, options: ReadOptions): Promise<LoadedCertificates> {
  const decoded = await readCertificateFile(path, options);
  const all = parseAll(decoded.certificates, path);
  return { certificates: all.slice(0, decoded.presented), held: all.slice(decoded.presented), format: decoded.format };
}

/** Every certificate of every file (presented and held alike), e.g. for `--intermediates`. */
export async function loadMany(paths: readonly string[], options: ReadOptions): Promise<Certificate[]> {
  const out: Certificate[] = [];
  for (const path of paths) {
    const loaded = await loadCertificates(path, options);
    out.push(...loaded.certificates, ...loaded.held);
  }
  return out;
}
