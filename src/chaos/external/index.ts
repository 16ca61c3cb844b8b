/**
 * The external environment: a running stack given by URLs (the user's
 * Postgres and S3, and their Toxiproxy or the project's own proxies started
 * here), opted into by its exact target; its fault library refuses faults on
 * the user's processes and whole servers.
 */
export { ExternalEnvironment } from "./external-env.ts";
export { StartedExternalEnvironment, EXTERNAL_DATABASE_PREFIX } from "./started-external-env.ts";
export { ExternalFaultLibrary } from "./external-fault-library.ts";
export {
  externalConfigFromEnv,
  externalTarget,
  ExternalConfigError,
  EXTERNAL_VARIABLES,
  type ExternalConfig,
  type ExternalToxiproxy,
  type HostPort,
} from "./external-config.ts";
export { ALLOW_TARGET_VARIABLE, checkTargetOptIn, TargetNotAllowedError } from "./target-opt-in.ts";
export { ExternalToxiproxyError } from "./user-toxiproxy-fault-path.ts";
export type { FaultPath } from "./fault-path.ts";
