/**
 * The parts of the PostgreSQL frontend/backend protocol v3 the proxy reads
 * and writes: message type bytes, the untyped startup-phase request codes,
 * and builders for the few messages the proxy answers with itself.
 */

/** Request codes of the untyped first message (int32 after the length). */
export const STARTUP_CODE = {
  /** Protocol 3.0: a real StartupMessage. */
  protocol3: 196_608,
  sslRequest: 80_877_103,
  gssEncRequest: 80_877_104,
  cancelRequest: 80_877_102,
} as const;

/** Frontend (client to server) message type bytes. */
export const FRONTEND = {
  query: 0x51, // 'Q'
  parse: 0x50, // 'P'
  bind: 0x42, // 'B'
  describe: 0x44, // 'D'
  execute: 0x45, // 'E'
  close: 0x43, // 'C'
  sync: 0x53, // 'S'
  flush: 0x48, // 'H'
  copyData: 0x64, // 'd'
  copyDone: 0x63, // 'c'
  copyFail: 0x66, // 'f'
  terminate: 0x58, // 'X'
} as const;

/** Backend (server to client) message type bytes. */
export const BACKEND = {
  commandComplete: 0x43, // 'C'
  emptyQueryResponse: 0x49, // 'I'
  portalSuspended: 0x73, // 's'
  readyForQuery: 0x5a, // 'Z'
  errorResponse: 0x45, // 'E'
  copyInResponse: 0x47, // 'G'
  dataRow: 0x44, // 'D'
  copyData: 0x64, // 'd'
} as const;

/** ReadyForQuery's transaction status: idle, in a transaction block, in a failed one. */
export type TransactionStatus = "I" | "T" | "E";

/** Severity of an ErrorResponse: ERROR keeps the session, FATAL ends it. */
export type ErrorSeverity = "ERROR" | "FATAL";

/** Reads the NUL-terminated string at `offset`; returns it and the offset after the NUL. */
export function readCString(buffer: Buffer, offset: number): { value: string; next: number } {
  const end = buffer.indexOf(0, offset);
  if (end < 0) throw new Error(`protocol: missing NUL terminator after offset ${offset}`);
  return { value: buffer.toString("utf8", offset, end), next: end + 1 };
}

function typed(type: number, body: Buffer): Buffer {
  const header = Buffer.allocUnsafe(5);
  header[0] = type;
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function cstring(value: string): Buffer {
  return Buffer.concat([Buffer.from(value, "utf8"), Buffer.from([0])]);
}

/** A simple Query message. */
export function queryMessage(sql: string): Buffer {
  return typed(FRONTEND.query, cstring(sql));
}

/** ReadyForQuery with the given transaction status. */
export function readyForQueryMessage(status: TransactionStatus): Buffer {
  return typed(BACKEND.readyForQuery, Buffer.from(status, "ascii"));
}

/** An ErrorResponse with the fields `pg` surfaces: severity (S and V), SQLSTATE (C) and message (M). */
export function errorResponseMessage(severity: ErrorSeverity, sqlstate: string, message: string): Buffer {
  const fields = [`S${severity}`, `V${severity}`, `C${sqlstate}`, `M${message}`].map(cstring);
  return typed(BACKEND.errorResponse, Buffer.concat([...fields, Buffer.from([0])]));
}

/** The single byte a server answers an SSLRequest or GSSENCRequest with when it declines. */
export const DECLINE_ENCRYPTION = Buffer.from("N", "ascii");
