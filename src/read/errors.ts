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
