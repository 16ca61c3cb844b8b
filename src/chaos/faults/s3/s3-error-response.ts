import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** An S3 error answer, in the shape the AWS SDK v3 turns into a named exception. */
export interface S3ErrorAnswer {
  status: number;
  code: string;
  message: string;
  /** Seconds; no header when undefined. */
  retryAfterSeconds: number | undefined;
}

/** The XML body S3 sends with an error; `resource` is the request path. */
export function s3ErrorXml(code: string, message: string, resource: string, requestId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>` +
    `<Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`
  );
}

/**
 * Answers `request` with an S3 error without forwarding it. The request body
 * is read to its end first, so the client finishes its upload and the
 * keep-alive connection stays usable, as with a real S3 error.
 */
export function sendS3Error(request: IncomingMessage, response: ServerResponse, answer: S3ErrorAnswer): void {
  const requestId = randomBytes(8).toString("hex").toUpperCase();
  const body = Buffer.from(s3ErrorXml(answer.code, answer.message, new URL(request.url ?? "/", "http://s3.invalid").pathname, requestId));
  const respond = (): void => {
    if (response.destroyed) return;
    response.writeHead(answer.status, {
      "content-type": "application/xml",
      "content-length": body.byteLength,
      "x-amz-request-id": requestId,
      "x-amz-id-2": randomBytes(24).toString("base64"),
      ...(answer.retryAfterSeconds !== undefined ? { "retry-after": String(answer.retryAfterSeconds) } : {}),
    });
    response.end(body);
  };
  if (request.complete) return respond();
  request.once("end", respond);
  request.resume();
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
