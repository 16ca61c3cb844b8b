/**
 * A commitAckLost rule that fired on statement `index` of a request the
 * session forwarded while nothing else was outstanding, so every server
 * message up to the next ReadyForQuery answers that request: one
 * CommandComplete (or EmptyQueryResponse, PortalSuspended) per statement, in
 * order. The one of statement `index` is the acknowledgement to drop.
 */
import { performance } from "node:perf_hooks";
import type { WholeMessage } from "./message-scanner.ts";
import { BACKEND } from "./protocol.ts";
import type { FiredRule } from "./rule-set.ts";
import type { Statement } from "./statement.ts";

/** What the session does with a server message: pass it on, drop it and cut (the COMMIT's acknowledgement), or pass it on and disarm (the request failed or ended first). */
export type AckDropStep = "pass" | "drop" | "disarm";

export class AckDrop {
  private answered = 0;

  constructor(
    private readonly fired: FiredRule<"commitAckLost">,
    private readonly statement: Statement,
    private readonly index: number,
    private readonly xid: string | undefined,
    private readonly connection: number,
  ) {}

  step(message: WholeMessage): AckDropStep {
    switch (message.type) {
      case BACKEND.commandComplete:
        if (this.answered === this.index) return "drop";
        this.answered++;
        return "pass";
      case BACKEND.emptyQueryResponse:
      case BACKEND.portalSuspended:
        this.answered++;
        return "pass";
      // An error skips the rest of the request, the COMMIT included; the rule fired but had no effect to record.
      case BACKEND.errorResponse:
      case BACKEND.readyForQuery:
        return "disarm";
      default:
        return "pass";
    }
  }

  /** Records the drop; call once both connections are cut. */
  record(): void {
    this.fired.record({ kind: this.statement.kind, statement: this.statement.normalized, connection: this.connection, xid: this.xid, atMs: performance.now() });
  }
}
