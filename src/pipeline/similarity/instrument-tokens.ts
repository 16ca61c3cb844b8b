/**
 * How an instrument becomes a token.
 * - `default`: a drum instrument is one token of its own ({@link DRUM_TOKEN}) whatever its
 *   kit program; a melodic instrument is its General MIDI program 0..127.
 * - `scale-compat`: every instrument's token is its program number, drums included, as the
 *   original Scale did, which conflated drum kit 0 (Standard Kit) with Acoustic Grand Piano.
 */
export type TokenMode = "default" | "scale-compat";

/** The token of any drum instrument in `default` mode, one past the last GM program. */
export const DRUM_TOKEN = 128;

/** The largest token any mode produces; tokens are integers in 0..MAX_TOKEN. */
export const MAX_TOKEN = DRUM_TOKEN;

const TOKEN_MODES: readonly TokenMode[] = ["default", "scale-compat"];

/** The distinct tokens of a song's instruments, ascending. */
export function instrumentTokens(instruments: ReadonlyArray<{ program: number; isDrum: boolean }>, mode: TokenMode): number[] {
  if (!TOKEN_MODES.includes(mode)) {
    throw new Error(`token mode must be one of ${TOKEN_MODES.join(", ")}, got ${JSON.stringify(mode)}`);
  }
  const tokens = new Set<number>();
  for (const [index, { program, isDrum }] of instruments.entries()) {
    if (!Number.isInteger(program) || program < 0 || program > 127) {
      throw new RangeError(`instrument ${index} has program ${program}; General MIDI programs are integers 0..127`);
    }
    tokens.add(mode === "default" && isDrum ? DRUM_TOKEN : program);
  }
  return [...tokens].sort((a, b) => a - b);
}
