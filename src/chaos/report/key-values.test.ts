import { describe, expect, it } from "vitest";
import { humanizeKey, renderKeyValues } from "./key-values.ts";

describe("humanizeKey", () => {
  it("splits camelCase and snake_case and turns unit suffixes into units", () => {
    expect(humanizeKey("readyAfterMs")).toBe("ready after (ms)");
    expect(humanizeKey("requests_faulted")).toBe("requests faulted");
    expect(humanizeKey("bytesSentBytes")).toBe("bytes sent (bytes)");
    expect(humanizeKey("pid")).toBe("pid");
    expect(humanizeKey("Ms")).toBe("ms");
  });
});

describe("renderKeyValues", () => {
  it("formats numbers, booleans, lists and nested records", () => {
    const markup = renderKeyValues({ pid: 48213, restarted: true, codes: ["53300", 57], toxic: { type: "latency" }, none: null }).markup;
    expect(markup).toContain("<dd>48,213</dd>");
    expect(markup).toContain("<dd>yes</dd>");
    expect(markup).toContain("<dd>53300, 57</dd>");
    expect(markup).toContain(`<dd><dl class="kv"><dt title="type">type</dt><dd>latency</dd></dl></dd>`);
    expect(markup).toContain(`<span class="muted">null</span>`);
  });

  it("says when nothing was recorded", () => {
    expect(renderKeyValues({}).markup).toContain("none recorded");
  });
});
