/** S3-level faults ("software failure" and "overload"): a fault-injecting HTTP proxy in front of the S3 server. */
export { S3FaultProxy, type S3FaultProxyOptions } from "./s3-fault-proxy.ts";
export { MAX_FAULTED_LISTED, type S3FaultObservations, type S3FaultedRequest, type S3FaultHandle } from "./fault-rule-set.ts";
export {
  resolveS3FaultSpec,
  type S3FaultSpec,
  type S3ErrorFault,
  type S3LatencyFault,
  type S3HangFault,
  type S3TruncateFault,
  type TruncateFraming,
  type S3CorruptFault,
  type S3RuleOptions,
} from "./s3-fault-spec.ts";
export type { S3RequestMatch } from "./request-match.ts";
export { EVERY_OCCURRENCE, type S3Occurrence } from "./s3-occurrence.ts";
export { describeS3Request, S3_OPERATIONS, type S3Operation, type S3Request } from "./s3-request.ts";
export { s3ErrorXml } from "./s3-error-response.ts";
