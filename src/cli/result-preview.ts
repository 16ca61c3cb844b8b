import pg from "pg";

/**
 * A glimpse of what the pipeline wrote, for the main job on the embedded
 * environment (whose database is gone once it stops): the instruments of the
 * song with the most of them, and the most similar pairs.
 */
export async function previewResults(databaseUrl: string): Promise<string> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    const { rows: richest } = await client.query<{ filename: string }>(
      `SELECT filename FROM filename_instrument GROUP BY filename ORDER BY count(*) DESC, filename COLLATE "C" LIMIT 1`,
    );
    const lines: string[] = [];
    const filename = richest[0]?.filename;
    if (filename !== undefined) {
      const { rows } = await client.query<{ program: number; is_drum: boolean; instrument_name: string; note_count: number }>(
        `SELECT program, is_drum, instrument_name, note_count FROM filename_instrument WHERE filename = $1 ORDER BY instrument_index`,
        [filename],
      );
      lines.push(`filename_instrument: ${rows.length} instruments of ${JSON.stringify(filename)}`);
      for (const row of rows.slice(0, 12)) {
        lines.push(`  ${String(row.program).padStart(3)} ${row.is_drum ? "drum" : "    "}  ${row.instrument_name.padEnd(28)} ${row.note_count} notes`);
      }
      if (rows.length > 12) lines.push(`  … ${rows.length - 12} more`);
    }
    const { rows: pairs } = await client.query<{ filename_a: string; filename_b: string; similarity: number }>(
      `SELECT filename_a, filename_b, similarity FROM filepair_similarity_score
        WHERE similarity < 1 ORDER BY similarity DESC, filename_a COLLATE "C", filename_b COLLATE "C" LIMIT 5`,
    );
    const { rows: identical } = await client.query<{ n: string }>("SELECT count(*) AS n FROM filepair_similarity_score WHERE similarity = 1");
    lines.push(`filepair_similarity_score: ${identical[0]?.n ?? 0} pairs with identical instrument sets; the closest others:`);
    for (const pair of pairs) lines.push(`  ${pair.similarity.toFixed(3)}  ${pair.filename_a}  ~  ${pair.filename_b}`);
    return `\n${lines.join("\n")}\n`;
  } finally {
    await client.end();
  }
}
