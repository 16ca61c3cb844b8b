/**
 * The Postgres collation under which `ORDER BY filename` and `filename_a < filename_b`
 * agree with {@link compareFilenames} (on a UTF-8 database).
 */
export const FILENAME_COLLATION = "C";

/**
 * Orders filenames by their UTF-8 bytes, which is the order Postgres uses under
 * `COLLATE "C"`. Every ordering decision in the similarity step goes through this,
 * so a pair's `filenameA < filenameB` holds in JS and in SQL alike.
 *
 * JS `<` compares UTF-16 code units instead. The two orders agree except where a
 * character above U+FFFF (an emoji, stored as a surrogate pair) meets one in
 * U+E000..U+FFFF at the same position: `<` puts the emoji first, bytes put it last.
 *
 * Throws when two different strings encode to the same bytes, which only lone
 * surrogates do (both become U+FFFD); such a name could not be stored faithfully anyway.
 */
export function compareFilenames(a: string, b: string): number {
  if (a === b) return 0;
  return compareEncoded(a, Buffer.from(a, "utf8"), b, Buffer.from(b, "utf8"));
}

/** A copy of `items` sorted by {@link compareFilenames} on their `filename`. */
export function sortByFilename<T extends { readonly filename: string }>(items: readonly T[]): T[] {
  const keyed = items.map((item) => ({ item, bytes: Buffer.from(item.filename, "utf8") }));
  keyed.sort((x, y) => (x.item.filename === y.item.filename ? 0 : compareEncoded(x.item.filename, x.bytes, y.item.filename, y.bytes)));
  return keyed.map(({ item }) => item);
}

/**
 * Throws unless filenames strictly increase in {@link compareFilenames} order:
 * the similarity step compares songs by input position, so a misordered or
 * repeated filename would silently produce wrong or self pairs.
 */
export function assertStrictlyIncreasingFilenames(items: ReadonlyArray<{ readonly filename: string }>): void {
  let previous: { filename: string; bytes: Buffer } | undefined;
  for (const [index, { filename }] of items.entries()) {
    if (typeof filename !== "string") {
      throw new TypeError(`song ${index} has no string filename, got ${typeof filename}`);
    }
    const bytes = Buffer.from(filename, "utf8");
    if (previous !== undefined && compareEncoded(previous.filename, previous.bytes, filename, bytes) >= 0) {
      const problem = previous.filename === filename ? "repeats" : "is not after";
      throw new Error(
        `songs must be sorted by filename in UTF-8 byte order (COLLATE "C") without repeats: ` +
          `song ${index} ${JSON.stringify(filename)} ${problem} song ${index - 1} ${JSON.stringify(previous.filename)}; ` +
          `sort them with sortByFilename()`,
      );
    }
    previous = { filename, bytes };
  }
}

function compareEncoded(a: string, aBytes: Buffer, b: string, bBytes: Buffer): number {
  const order = Buffer.compare(aBytes, bBytes);
  if (order === 0 && a !== b) {
    throw new Error(
      `filenames ${JSON.stringify(a)} and ${JSON.stringify(b)} differ but have the same UTF-8 bytes ` +
        `(they contain lone surrogates), so they cannot be ordered or stored`,
    );
  }
  return order;
}
