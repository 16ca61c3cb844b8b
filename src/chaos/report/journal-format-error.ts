/** A journal file that is not a journal this report can read; names the file and the offending field. */
export class JournalFormatError extends Error {
  override readonly name = "JournalFormatError";

  constructor(
    /** The journal file, as given to the collector. */
    readonly file: string,
    /** The offending field's path, e.g. "budget.recoveryMs"; "(file)" when the file is not JSON. */
    readonly field: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${field === "(file)" ? "" : `field "${field}" `}${problem}`, options);
  }
}
