import { inspect } from "node:util";

/**
 * A Gremlin API key that does not leak: it is held in a closure, never in a
 * field, so JSON, `util.inspect` and error objects cannot show it; it leaves
 * this process only as the `Authorization` header of a request. `redact()`
 * scrubs it from text a server sent back (an error body may echo the header).
 */
export class GremlinCredentials {
  /** `Key <key>`, the header value Gremlin's team and user API keys use. */
  readonly authorization: () => string;
  /** `text` with every occurrence of the key replaced by `[redacted]`. */
  readonly redact: (text: string) => string;

  constructor(apiKey: string) {
    const key = apiKey.trim();
    this.authorization = () => `Key ${key}`;
    this.redact = (text) => (key ? text.split(key).join("[redacted]") : text);
  }

  toJSON(): string {
    return "[redacted]";
  }

  toString(): string {
    return "[redacted]";
  }

  [inspect.custom](): string {
    return "GremlinCredentials [redacted]";
  }
}
