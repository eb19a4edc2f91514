/** Caps that keep one hostile file from taking the batch down. */
export interface ReadLimits {
  maxBytes: number;
  maxRows: number;
  maxCols: number;
}

export const defaultReadLimits: ReadLimits = {
  maxBytes: 50 * 1024 * 1024,
  // A self-evaluation table is well under a hundred rows; a few thousand leaves room for notes sheets.
  maxRows: 5000,
  maxCols: 200,
};
