/** An object listed in the source bucket. */
export interface SourceObject {
  key: string;
  /** Entity tag without quotes; for single-part uploads, the MD5 of the body in hex. */
  etag: string;
  /** Bytes, as listed. */
  size: number;
}
