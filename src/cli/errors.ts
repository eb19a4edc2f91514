/** A command line the tool cannot act on: exit code 2 with the usage text. */
export class UsageError extends Error {}

/** node:util parseArgs' own (English) complaints, in the user's words. */
export function argsErrorText(err: Error & { code?: string }): string {
  const m = err.message;
  const option = /'(-[^']*?)'/.exec(m)?.[1]?.split(/[ ,]/).filter((s) => s.startsWith('--')).pop() ?? /'(-[^']*?)'/.exec(m)?.[1] ?? '';
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `没有这个选项：${option}`;
  if (/argument missing/.test(m)) return `选项 ${option} 后面要跟一个值`;
  if (/ambiguous/.test(m)) return `选项 ${option} 的值不能以 - 开头；若确是这个值，请写成 ${option}=值`;
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `多余的参数：${/'([^']*)'/.exec(m)?.[1] ?? ''}`;
  return `命令行有误：${m}`;
}

/** A whole-number option within bounds: `1.5` or `abc` is a usage error, never a silent 1. */
export function wholeOption(flag: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < min || n > max)
    throw new UsageError(`${flag} 须为 ${min}–${max} 的整数 (${flag} takes a whole number from ${min} to ${max})：${value}`);
  return n;
}
