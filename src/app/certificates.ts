/**
 * I/O: certificate files in, parsed certificates out. A file that is no certificate container is a one-line
 * input error (exit 2); a certificate inside it that cannot be decoded is kept, marked `unreadable`, so the
 * report names it as a finding (src/cert/parse.ts `readCertificate`).
 */
import type { Certificate } from "../types.js";
import { readCertificate } from "../cert/parse.js";
import { readCertificateFile, type ReadOptions } from "../input/read.js";

export interface LoadedCertificates {
  /** What a server loading the file presents, in order. */
  readonly certificates: Certificate[];
  /** The file's other certificates (a keystore's CA entries beside its key's chain): held, not presented. */
  readonly held: Certificate[];
  readonly format: string;
}

/** Parses each DER; one that cannot be decoded comes back marked `unreadable` (validation never uses it). */
export function readAll(ders: readonly Uint8Array[]): Certificate[] {
  return ders.map((der) => readCertificate(der));
}

export async function loadCertificates(path: string, options: ReadOptions): Promise<LoadedCertificates> {
  const decoded = await readCertificateFile(path, options);
  const all = readAll(decoded.certificates);
  return { certificates: all.slice(0, decoded.presented), held: all.slice(decoded.presented), format: decoded.format };
}

/**
 * The files' certificates in order, each file split as a server loading it would: what it presents, and what it
 * only holds (a keystore's CA entries beside its key's chain), e.g. for `verify --chain`.
 */
export async function loadSplit(paths: readonly string[], options: ReadOptions): Promise<Pick<LoadedCertificates, "certificates" | "held">> {
  const certificates: Certificate[] = [];
  const held: Certificate[] = [];
  for (const path of paths) {
    const loaded = await loadCertificates(path, options);
    certificates.push(...loaded.certificates);
    held.push(...loaded.held);
  }
  return { certificates, held };
}

/** Every certificate of every file (presented and held alike), e.g. for `--intermediates`. */
export async function loadMany(paths: readonly string[], options: ReadOptions): Promise<Certificate[]> {
  const { certificates, held } = await loadSplit(paths, options);
  return [...certificates, ...held];
}
