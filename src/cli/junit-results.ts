/** One test case of a JUnit XML report. */
export interface JUnitCase {
  /** "file > describe > test", as the report names it. */
  id: string;
  outcome: "passed" | "failed" | "skipped";
  /** The first line of the failure message, when it failed. */
  message?: string;
}

const TESTCASE = /<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g;

/** Reads the test cases of a JUnit XML report (as Vitest writes it). */
export function junitCases(xml: string): JUnitCase[] {
  const cases: JUnitCase[] = [];
  for (const [, attributes = "", body = ""] of xml.matchAll(TESTCASE)) {
    const id = [attribute(attributes, "classname"), attribute(attributes, "name")].filter(Boolean).join(" > ");
    const failure = /<(failure|error)\b([^>]*)/.exec(body);
    if (failure) {
      const message = attribute(failure[2] ?? "", "message")?.split("\n")[0];
      cases.push({ id, outcome: "failed", ...(message ? { message } : {}) });
    } else {
      cases.push({ id, outcome: /<skipped\b/.test(body) ? "skipped" : "passed" });
    }
  }
  return cases;
}

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}="([^"]*)"`).exec(attributes);
  return match?.[1] === undefined ? undefined : unescapeXml(match[1]);
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-fA-F]+));/g, (entity, name: string, dec?: string, hex?: string) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(Number.parseInt(hex, 16));
    return ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" } as Record<string, string>)[name] ?? entity;
  });
}
