import { Watch, type KubeConfig } from "@kubernetes/client-node";

/** One watch event: ADDED, MODIFIED, DELETED (or BOOKMARK, ERROR). */
export interface WatchEvent<T> {
  type: string;
  object: T;
}

/** A running watch; `ended` settles when the server closes the stream or `stop()` is called, with the error if any. */
export interface WatchSubscription {
  stop(): void;
  readonly ended: Promise<unknown>;
}

/**
 * Watches a collection path (`?watch=true`, newline-delimited JSON events)
 * and calls `onEvent` for each. Streams end on the server's timeout too:
 * callers that must not miss a change re-read the object and watch again.
 */
export async function watchPath<T>(
  config: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  onEvent: (event: WatchEvent<T>) => void,
): Promise<WatchSubscription> {
  let settle!: (error: unknown) => void;
  const ended = new Promise<unknown>((resolve) => (settle = resolve));
  const controller = await new Watch(config).watch(
    path,
    query,
    (type, object) => onEvent({ type, object: object as T }),
    (error) => settle(error ?? undefined),
  );
  return {
    stop: () => {
      controller.abort();
      settle(undefined);
    },
    ended,
  };
}
