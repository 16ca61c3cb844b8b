/** S3-level faults ("software failure" and "overload"): a fault-injecting HTTP proxy in front of the S3 server. Its fault specs are the core's. */
export { S3FaultProxy, type S3FaultProxyOptions } from "./s3-fault-proxy.ts";
export { MAX_FAULTED_LISTED, type S3FaultObservations, type S3FaultedRequest, type S3FaultHandle } from "./fault-rule-set.ts";
export { s3ErrorXml } from "./s3-error-response.ts";
export type { S3ProxyRecording } from "./request-recording.ts";
