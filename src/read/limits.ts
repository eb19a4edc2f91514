/** Caps that keep one hostile file from taking the batch down. */
export interface ReadLimits {
  maxBytes: number;
  maxRows: number;
  maxCols: number;
  /** A part of an .xlsx package may inflate to at most this: a 100 KB ZIP bomb must not become gigabytes. */
  maxInflatedBytes: number;
}

export const defaultReadLimits: ReadLimits = {
  maxBytes: 50 * 1024 * 1024,
  // A self-evaluation table is well under a hundred rows; a few thousand leaves room for notes sheets.
  maxRows: 5000,
  maxCols: 200,
  maxInflatedBytes: 256 * 1024 * 1024,
};
