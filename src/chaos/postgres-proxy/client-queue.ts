/**
 * The client messages a session has not handled yet, handled strictly in
 * order: while a handler's promise is pending (a hold, a query of the
 * proxy's own, waiting for earlier replies) the client is paused and the
 * messages after it wait.
 */
import type { ScannedItem } from "./message-scanner.ts";

export interface ClientQueueOwner {
  /** Handles one message; a returned promise holds the queue until it settles. */
  handle(item: ScannedItem): Promise<void> | undefined;
  /** False once nothing more may be handled (the session closed or is ending). */
  accepting(): boolean;
  pauseClient(): void;
  resumeClient(): void;
  /** Hands what the handlers queued to the sockets. */
  flush(): void;
  /** A handler's promise rejected: the session cannot go on. */
  fail(): void;
}

export class ClientQueue {
  /** Not handled yet: `items[head..]`. */
  private items: ScannedItem[] = [];
  private head = 0;
  private busy = false;

  constructor(private readonly owner: ClientQueueOwner) {}

  push(items: ScannedItem[]): void {
    if (this.head === this.items.length) {
      this.items = items;
      this.head = 0;
    } else {
      for (const item of items) this.items.push(item);
    }
    this.drain();
  }

  private drain(): void {
    if (this.busy) return;
    const owner = this.owner;
    try {
      while (this.head < this.items.length && owner.accepting()) {
        const pending = owner.handle(this.items[this.head++]!);
        if (pending) {
          this.busy = true;
          owner.pauseClient();
          pending.then(
            () => {
              this.busy = false;
              if (!owner.accepting()) return;
              owner.resumeClient();
              this.drain();
            },
            () => owner.fail(),
          );
          return;
        }
      }
    } finally {
      owner.flush();
    }
  }
}
