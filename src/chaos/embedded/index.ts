export { EmbeddedEnvironment, StartedEmbeddedEnvironment } from "./embedded-env.ts";
export { PostgresServer } from "./postgres-server.ts";
export { ServerProcess, type ProcessOutcome, type StartOutcome, type ShutdownPolicy } from "../env-kit/server-process.ts";
export { S3Server, S3RVER_CREDENTIALS } from "./s3-server.ts";
export { seedBucket, ensureBucket, type SeedObject } from "../env-kit/bucket-seeder.ts";
export { waitFor, WaitTimeoutError, type WaitOptions } from "../core/wait-for.ts";
export { freePort } from "../env-kit/free-port.ts";
export { deferInterruptsToApp } from "../core/child-registry.ts";
export { NetworkLayer, type ProxiedService } from "./network-layer.ts";
