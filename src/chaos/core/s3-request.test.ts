import { describe, expect, it } from "vitest";
import { matchesRequest, validateMatch } from "./s3-request-match.ts";
import { describeS3Request } from "./s3-request.ts";

describe("describeS3Request", () => {
  it.each([
    ["GET", "/", {}, { operation: "ListBuckets", bucket: undefined, key: undefined }],
    ["PUT", "/midi", {}, { operation: "CreateBucket", bucket: "midi", key: undefined }],
    ["GET", "/midi?list-type=2&prefix=songs%2F", {}, { operation: "ListObjectsV2", bucket: "midi" }],
    ["GET", "/midi?prefix=songs%2F&marker=a", {}, { operation: "ListObjects", bucket: "midi" }],
    ["GET", "/midi?location", {}, { operation: "Other", bucket: "midi" }],
    ["POST", "/midi?delete", {}, { operation: "DeleteObjects", bucket: "midi" }],
    ["GET", "/midi/songs/a%20b.mid", {}, { operation: "GetObject", bucket: "midi", key: "songs/a b.mid" }],
    ["HEAD", "/midi/songs/a.mid", {}, { operation: "HeadObject", key: "songs/a.mid" }],
    ["PUT", "/midi/songs/a.mid", {}, { operation: "PutObject" }],
    ["PUT", "/midi/songs/a.mid", { "x-amz-copy-source": "/midi/b.mid" }, { operation: "CopyObject" }],
    ["DELETE", "/midi/songs/a.mid", {}, { operation: "DeleteObject" }],
    ["POST", "/midi/big.bin?uploads", {}, { operation: "CreateMultipartUpload" }],
    ["PUT", "/midi/big.bin?partNumber=2&uploadId=u1", {}, { operation: "UploadPart" }],
    ["POST", "/midi/big.bin?uploadId=u1", {}, { operation: "CompleteMultipartUpload" }],
    ["GET", "/midi/songs/a.mid?tagging", {}, { operation: "Other" }],
    ["get", "/midi/songs/a.mid?x-id=GetObject", {}, { operation: "GetObject", method: "GET" }],
  ] as const)("%s %s is %o", (method, url, headers, expected) => {
    expect(describeS3Request(method, url, headers)).toMatchObject(expected);
  });
});

describe("matchesRequest", () => {
  const get = describeS3Request("GET", "/midi/songs/a.mid");
  const list = describeS3Request("GET", "/midi?list-type=2");

  it("selects by every given field and takes everything when empty", () => {
    expect(matchesRequest(validateMatch(undefined, "match"), list)).toBe(true);
    expect(matchesRequest(validateMatch({ method: "get", operation: "GetObject", bucket: "midi", keyPrefix: "songs/" }, "match"), get)).toBe(true);
    expect(matchesRequest(validateMatch({ key: "songs/a.mid" }, "match"), get)).toBe(true);
    expect(matchesRequest(validateMatch({ method: "PUT" }, "match"), get)).toBe(false);
    expect(matchesRequest(validateMatch({ keyPrefix: "" }, "match"), list)).toBe(false);
    expect(matchesRequest(validateMatch({ bucket: "other" }, "match"), get)).toBe(false);
    expect(matchesRequest(validateMatch({ keys: ["songs/b.mid", "songs/a.mid"] }, "match"), get)).toBe(true);
    expect(matchesRequest(validateMatch({ keys: ["songs/b.mid"] }, "match"), get)).toBe(false);
    expect(matchesRequest(validateMatch({ keys: ["songs/a.mid"] }, "match"), list)).toBe(false);
  });

  it("names the bad field of a match", () => {
    expect(() => validateMatch({ method: "GE T" }, "match")).toThrow(expect.objectContaining({ field: "match.method" }));
    expect(() => validateMatch({ key: "" }, "match")).toThrow(expect.objectContaining({ field: "match.key" }));
  });
});
