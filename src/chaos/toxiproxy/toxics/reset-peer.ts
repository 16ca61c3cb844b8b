import { INTERRUPTED, type ToxicBehaviour } from "./toxic-behaviour.ts";

/**
 * Resets the connection (TCP RST on both sockets) `timeout` ms after data
 * (or the end of the stream) first reaches the toxic, as Toxiproxy does.
 */
export const resetPeer: ToxicBehaviour<"reset_peer"> = {
  async pipe(stage, { timeout }) {
    const item = await stage.next();
    if (item === INTERRUPTED) return;
    if (await stage.sleep(timeout)) stage.resetPeer();
    else stage.unread(item);
  },
};
