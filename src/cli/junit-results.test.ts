import { describe, expect, it } from "vitest";
import { junitCases } from "./junit-results.ts";

describe("junitCases", () => {
  it("reads a self-closing case as passed", () => {
    expect(junitCases('<testsuite><testcase classname="a.test.ts" name="b" time="0"/></testsuite>')).toEqual([{ id: "a.test.ts > b", outcome: "passed" }]);
  });
});
