const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for HTML and SVG, in element content and in quoted attributes
 * alike. Journals carry error messages and observations from servers, so every
 * piece of journal text goes through this before it reaches the page.
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/**
 * A tagged template whose interpolations are escaped, except those already
 * wrapped in {@link Html}. Arrays are joined; null, undefined and `false`
 * render nothing, so `${cond && html`…`}` works (format booleans explicitly).
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, index) => {
    out += renderValue(value) + (strings[index + 1] ?? "");
  });
  return new Html(out);
}

/** Markup that is already safe: built by {@link html} or by a renderer. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** Joins pieces of markup (or escaped text) without a separator. */
export function joinHtml(pieces: readonly unknown[]): Html {
  return new Html(pieces.map(renderValue).join(""));
}

function renderValue(value: unknown): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(renderValue).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(value);
}
