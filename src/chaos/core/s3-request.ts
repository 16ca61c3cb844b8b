/**
 * What an HTTP request to S3 is, read from its method, URL and headers, so
 * fault rules can target operations ("only GetObject") and keys. Requests
 * are read path-style (`/bucket/key`), as `createS3Client` sends them to an
 * endpoint; virtual-hosted requests are seen as bucket-level requests.
 */

export const S3_OPERATIONS = [
  "ListBuckets",
  "CreateBucket",
  "DeleteBucket",
  "HeadBucket",
  "ListObjects",
  "ListObjectsV2",
  "DeleteObjects",
  "GetObject",
  "HeadObject",
  "PutObject",
  "CopyObject",
  "DeleteObject",
  "CreateMultipartUpload",
  "UploadPart",
  "CompleteMultipartUpload",
  "AbortMultipartUpload",
  "ListParts",
  "Other",
] as const;

/** An S3 operation the proxy can tell apart; "Other" for subresources it does not name (ACLs, tagging, …). */
export type S3Operation = (typeof S3_OPERATIONS)[number];

/** One request as the fault rules see it. */
export interface S3Request {
  /** Upper-case HTTP method. */
  method: string;
  bucket: string | undefined;
  /** Decoded object key; undefined for service- and bucket-level requests. */
  key: string | undefined;
  operation: S3Operation;
}

const KNOWN = new Set<string>(S3_OPERATIONS);

/** Query parameters that only filter a listing; any other parameter names a subresource. */
const LISTING_PARAMETERS = new Set([
  "prefix",
  "delimiter",
  "marker",
  "max-keys",
  "encoding-type",
  "continuation-token",
  "start-after",
  "fetch-owner",
  "list-type",
  "x-id",
]);

export function describeS3Request(method: string, url: string, headers: Readonly<Record<string, string | string[] | undefined>> = {}): S3Request {
  const parsed = new URL(url, "http://s3.invalid");
  const upper = method.toUpperCase();
  const slash = parsed.pathname.indexOf("/", 1);
  const bucket = parsed.pathname.length > 1 ? decode(slash === -1 ? parsed.pathname.slice(1) : parsed.pathname.slice(1, slash)) : undefined;
  const key = slash === -1 || slash === parsed.pathname.length - 1 ? undefined : decode(parsed.pathname.slice(slash + 1));
  // SDK v3 names most operations in `x-id`; other clients need the inference below.
  const named = parsed.searchParams.get("x-id");
  const operation = named !== null && KNOWN.has(named) ? (named as S3Operation) : infer(upper, bucket, key, parsed.searchParams, headers);
  return { method: upper, bucket, key, operation };
}

function infer(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  query: URLSearchParams,
  headers: Readonly<Record<string, unknown>>,
): S3Operation {
  if (bucket === undefined) return method === "GET" ? "ListBuckets" : "Other";
  if (key === undefined) {
    if (method === "POST" && query.has("delete")) return "DeleteObjects";
    if ([...query.keys()].some((name) => !LISTING_PARAMETERS.has(name))) return "Other";
    if (method === "GET") return query.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects";
    return ({ PUT: "CreateBucket", DELETE: "DeleteBucket", HEAD: "HeadBucket" } as const)[method as "PUT"] ?? "Other";
  }
  const uploadId = query.has("uploadId");
  if (method === "POST") return query.has("uploads") ? "CreateMultipartUpload" : uploadId ? "CompleteMultipartUpload" : "Other";
  if (method === "PUT" && uploadId && query.has("partNumber")) return "UploadPart";
  if (method === "GET" && uploadId) return "ListParts";
  if (method === "DELETE" && uploadId) return "AbortMultipartUpload";
  if ([...query.keys()].some((name) => name !== "x-id" && name !== "versionId" && !name.startsWith("response-"))) return "Other";
  if (method === "PUT") return headers["x-amz-copy-source"] !== undefined ? "CopyObject" : "PutObject";
  return ({ GET: "GetObject", HEAD: "HeadObject", DELETE: "DeleteObject" } as const)[method as "GET"] ?? "Other";
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
