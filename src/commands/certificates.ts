/** I/O: certificate files in, parsed certificates out, with one-line errors (exit 2). */
import type { Certificate } from "../types.js";
import { CertificateParseError, parseCertificate } from "../cert/parse.js";
import { InputError } from "../input/errors.js";
import { readCertificateFile, type ReadOptions } from "../input/read.js";

export interface LoadedCertificates {
  readonly certificates: Certificate[];
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
  return { certificates: parseAll(decoded.certificates, path), format: decoded.format };
}

export async function loadMany(paths: readonly string[], options: ReadOptions): Promise<Certificate[]> {
  const out: Certificate[] = [];
  for (const path of paths) out.push(...(await loadCertificates(path, options)).certificates);
  return out;
}
