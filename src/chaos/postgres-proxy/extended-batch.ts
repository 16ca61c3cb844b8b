/**
 * Extended-protocol bookkeeping for one session: which text each prepared
 * statement and portal stands for, and the messages a client sent since its
 * last Sync, so the whole batch can be judged (and swallowed) at once.
 */
import { FRONTEND, readCString } from "./protocol.ts";
import type { WholeMessage } from "./message-scanner.ts";
import { describeStatement, type Statement } from "./statement.ts";

export interface ClosedBatch {
  readonly raws: Buffer[];
  /** The statements the batch's Execute messages run, in order. */
  readonly statements: Statement[];
}

export class ExtendedBatch {
  private readonly prepared = new Map<string, string>();
  private readonly portals = new Map<string, string>();
  private raws: Buffer[] = [];
  private statements: Statement[] = [];
  private parsedNames: string[] = [];

  get open(): boolean {
    return this.raws.length > 0;
  }

  add(message: WholeMessage): void {
    this.raws.push(message.raw);
    const body = message.body;
    switch (message.type) {
      case FRONTEND.parse: {
        const name = readCString(body, 0);
        this.prepared.set(name.value, readCString(body, name.next).value);
        this.parsedNames.push(name.value);
        break;
      }
      case FRONTEND.bind: {
        const portal = readCString(body, 0);
        this.portals.set(portal.value, this.prepared.get(readCString(body, portal.next).value) ?? "");
        break;
      }
      case FRONTEND.execute:
        this.statements.push(describeStatement(this.portals.get(readCString(body, 0).value) ?? "", "extended"));
        break;
      case FRONTEND.close: {
        const name = readCString(body, 1).value;
        (body[0] === 0x53 ? this.prepared : this.portals).delete(name);
        break;
      }
    }
  }

  /** Ends the batch (at Sync or Flush). */
  close(): ClosedBatch {
    const batch = { raws: this.raws, statements: this.statements };
    this.raws = [];
    this.statements = [];
    this.parsedNames = [];
    return batch;
  }

  /** Forgets statements parsed in a batch that was swallowed: the server never saw them. */
  forgetParsed(names: readonly string[]): void {
    for (const name of names) this.prepared.delete(name);
  }

  /** Names parsed in the open batch (read before `close`). */
  get parsedInBatch(): readonly string[] {
    return this.parsedNames;
  }
}
