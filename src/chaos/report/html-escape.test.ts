import { describe, expect, it } from "vitest";
import { Html, escapeHtml, html } from "./html-escape.ts";

describe("escapeHtml", () => {
  it("escapes every character that can open a tag, an entity or leave an attribute", () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  });
});

describe("html", () => {
  it("escapes interpolated text but keeps markup built by html", () => {
    const inner = html`<b>${"<i>"}</b>`;
    expect(html`<p title="${'"onmouseover="x'}">${inner}${["<", new Html("<br>")]}</p>`.markup).toBe(
      '<p title="&quot;onmouseover=&quot;x"><b>&lt;i&gt;</b>&lt;<br></p>',
    );
  });

  it("renders nothing for null, undefined and false so conditionals read naturally", () => {
    expect(html`[${null}${undefined}${false}${0}]`.markup).toBe("[0]");
  });
});
