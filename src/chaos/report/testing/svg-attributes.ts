/** The attributes of every element in `markup` whose opening tag matches `tag` and carries `className`. */
export function elementsWithClass(markup: string, tag: string, className: string): Array<Record<string, string>> {
  const openingTags = markup.match(new RegExp(`<${tag}\\b[^>]*>`, "g")) ?? [];
  return openingTags
    .map((openingTag) => Object.fromEntries([...openingTag.matchAll(/([\w:-]+)="([^"]*)"/g)].map((match) => [match[1] ?? "", match[2] ?? ""])))
    .filter((attributes) => (attributes.class ?? "").split(/\s+/).includes(className));
}
