/** A COPY that a cutMidCopy rule fired on: how much CopyData may still pass before the cut. */
import { performance } from "node:perf_hooks";
import type { StreamPiece } from "./message-scanner.ts";
import type { FiredRule } from "./rule-set.ts";
import type { Statement } from "./statement.ts";

export class CopyCut {
  private bytes = 0;
  private messages = 0;

  constructor(
    private readonly fired: FiredRule<"cutMidCopy">,
    readonly statement: Statement,
    private readonly connection: number,
  ) {}

  /** The part of `piece` that may pass (possibly empty), and whether to cut right after it. */
  admit(piece: StreamPiece): { pass: Buffer | undefined; cut: boolean } {
    if (this.reached()) return { pass: undefined, cut: true };
    const { afterBytes } = this.fired.rule;
    const payload = piece.raw.length - piece.headerBytes;
    const allowed = afterBytes === undefined ? payload : Math.min(payload, afterBytes - this.bytes);
    this.bytes += allowed;
    if (allowed === payload && piece.last) this.messages++;
    return { pass: piece.raw.subarray(0, piece.headerBytes + allowed), cut: this.reached() };
  }

  /** Records the cut; call once the sockets are cut. */
  record(atCopyEnd: boolean): void {
    this.fired.record({
      kind: this.statement.kind,
      statement: this.statement.normalized,
      connection: this.connection,
      table: this.statement.copyTable,
      bytesPassed: this.bytes,
      messagesPassed: this.messages,
      atCopyEnd,
      atMs: performance.now(),
    });
  }

  private reached(): boolean {
    const { afterBytes, afterMessages } = this.fired.rule;
    return (afterBytes !== undefined && this.bytes >= afterBytes) || (afterMessages !== undefined && this.messages >= afterMessages);
  }
}
