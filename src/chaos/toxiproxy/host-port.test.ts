import { describe, expect, it } from "vitest";
import { ToxiproxyValidationError } from "./errors.ts";
import { formatHostPort, parseHostPort } from "./host-port.ts";

describe("host:port", () => {
  it.each([
    ["127.0.0.1:8474", { host: "127.0.0.1", port: 8474 }],
    ["localhost:0", { host: "localhost", port: 0 }],
    ["[::1]:5432", { host: "::1", port: 5432 }],
    [":26379", { host: "", port: 26379 }],
  ])("reads %s as Go's net package does", (text, expected) => {
    expect(parseHostPort(text, "listen", { allowPortZero: true })).toEqual(expected);
  });

  it.each([
    ["localhost", "missing port"],
    ["::1:80", "an IPv6 address needs brackets"],
    ["db:http", "port is not a number"],
    ["db:70000", "port must be 1..65535"],
    ["[::1:80", "missing ]: after an IPv6 address"],
  ])("rejects %s (%s), naming the field", (text, why) => {
    const error = (() => {
      try {
        return parseHostPort(text, "upstream", { allowPortZero: false });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ToxiproxyValidationError);
    expect(error).toMatchObject({ field: "upstream", message: `bad request body: upstream must be host:port (${why}), got ${JSON.stringify(text)}` });
  });

  it("refuses port 0 where a real port is needed", () => {
    expect(() => parseHostPort("db:0", "upstream", { allowPortZero: false })).toThrow(/port must be 1\.\.65535/);
  });

  it("brackets IPv6 addresses when reporting a listener", () => {
    expect(formatHostPort("::", 8474)).toBe("[::]:8474");
    expect(formatHostPort("127.0.0.1", 8474)).toBe("127.0.0.1:8474");
  });
});
