/** A command line the tool cannot act on: exit code 2 with the usage text. */
export class UsageError extends Error {}

/** A whole-number option within bounds: `1.5` or `abc` is a usage error, never a silent 1. */
export function wholeOption(flag: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < min || n > max)
    throw new UsageError(`${flag} 须为 ${min}–${max} 的整数 (${flag} takes a whole number from ${min} to ${max})：${value}`);
  return n;
}
