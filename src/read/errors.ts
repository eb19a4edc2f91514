/** Why a file could not be turned into grids. The codes are stable; user-facing wording lives in the rules. */
export type ReadFailure = 'empty' | 'encrypted' | 'corrupt' | 'too-large' | 'timeout' | 'unsupported' | 'out-of-memory';

export class ReadError extends Error {
  constructor(
    readonly code: ReadFailure,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ReadError';
  }
}

/** A size in the words of a 文件过大 finding (its detail is shown to the department). */
export function megabytes(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

/** ReadError('too-large') for a file of `size` bytes over `max`. */
export function fileTooLarge(size: number, max: number): ReadError {
  return new ReadError('too-large', `${megabytes(size)}，上限 ${megabytes(max)}`);
}

/** ReadError('too-large') for a package whose parts inflate past `max` bytes (a ZIP bomb, or far too big a sheet). */
export function inflatesTooLarge(max: number): ReadError {
  return new ReadError('too-large', `解压后超过 ${megabytes(max)}`);
}
