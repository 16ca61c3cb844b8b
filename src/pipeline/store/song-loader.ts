import type pg from "pg";
import { instrumentTokens, type SongTokens, type TokenMode } from "../similarity/index.ts";

/** Every song's instrument tokens, ordered by filename bytes (the "C" collation), as the similarity step requires. */
export async function loadSongTokens(client: pg.ClientBase, mode: TokenMode): Promise<SongTokens[]> {
  const { rows } = await client.query<{ filename: string; programs: number[]; drums: boolean[] }>({
    text: `SELECT filename, array_agg(program) AS programs, array_agg(is_drum) AS drums
             FROM filename_instrument GROUP BY filename ORDER BY filename COLLATE "C"`,
  });
  return rows.map((row) => ({
    filename: row.filename,
    tokens: instrumentTokens(
      row.programs.map((program, i) => ({ program, isDrum: row.drums[i] ?? false })),
      mode,
    ),
  }));
}
