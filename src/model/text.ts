/**
 * Text normalisation shared by label matching and value parsing. NFKC folds full-width digits, letters and
 * signs (８６．８ ＝ ％ ＞ （ ）) to ASCII; ≥ and ≤ have no ASCII form and stay.
 */
export function fold(s: string): string {
  return s.normalize('NFKC');
}

/** Labels compare without any white space, line breaks or a trailing colon: `总     分`, `项\n目`, `资金总额：`. */
export function normLabel(s: string): string {
  return fold(s)
    .replace(/[\s\u3000\u00a0]+/g, '')
    .replace(/[:：]+$/, '');
}

/** Names (projects, units) compare without quotes, spaces and width differences. */
export function normName(s: string): string {
  return normLabel(s).replace(/["'“”‘’「」『』《》〈〉]/g, '');
}
