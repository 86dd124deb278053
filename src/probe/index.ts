/** The network probe's public surface. */
export { probe } from "./probe.js";
export { parseTarget, TargetError } from "./target.js";
export type {
  ProbeError,
  ProbeErrorCode,
  ProbeOptions,
  ProbeOutcome,
  ProbeSuccess,
  ProbeTarget,
  ServiceInfo,
  TlsDetails,
} from "./types.js";
