export { EmbeddedEnvironment, StartedEmbeddedEnvironment } from "./embedded-env.ts";
export { PostgresServer } from "./postgres-server.ts";
export { ServerProcess, type ProcessOutcome, type StartOutcome, type ShutdownPolicy } from "./server-process.ts";
export { S3Server, S3RVER_CREDENTIALS } from "./s3-server.ts";
export { seedBucket, ensureBucket, type SeedObject } from "./bucket-seeder.ts";
export { waitFor, WaitTimeoutError, type WaitOptions } from "./wait-for.ts";
export { freePort } from "./free-port.ts";
export { deferInterruptsToApp } from "./child-registry.ts";
export { NetworkLayer, type ProxiedService } from "./network-layer.ts";
