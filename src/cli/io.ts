/**
 * Where a command reads its working folder and writes what the user reads: the process's own in `recon`, captured
 * in tests that call main() in their own process.
 */
export interface Io {
  /** Relative paths on the command line are relative to this. */
  cwd: string;
  /** A line for stdout. */
  out(text: string): void;
  /** A line for stderr. */
  err(text: string): void;
  /** A terminal to draw the progress bar on, or null. */
  tty: NodeJS.WriteStream | null;
}

export function processIo(): Io {
  return {
    cwd: process.cwd(),
    out: (text) => console.log(text),
    err: (text) => console.error(text),
    tty: process.stderr.isTTY ? process.stderr : null,
  };
}
