import { describe, expect, it } from 'vitest';
import type { ProjectTable } from '../../src/model/index.js';
import { type Finding, type RulesConfig, type TableRule, checkTable, defaultRulesConfig, parseRulesConfig, tableRules } from '../../src/rules/index.js';
import { type Layout, type RenderOptions, type TableSpec, roundTrip } from './workbooks.js';

export interface ValidCase {
  name: string;
  table: TableSpec;
  layout?: Layout;
  render?: RenderOptions;
  params?: unknown;
}

export interface ExpectedFinding {
  cell: string | null;
  /** The whole message, or a pattern it must match. */
  message: string | RegExp;
  expected?: string | null;
  actual?: string | null;
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedFinding[];
}

function run(c: ValidCase): { table: ProjectTable; all: Finding[] } {
  const params: RulesConfig = c.params === undefined ? defaultRulesConfig : parseRulesConfig(c.params);
  const table = roundTrip(c.table, c.layout ?? 'seed', c.render ?? {});
  return { table, all: checkTable(table, tableRules, params) };
}

/**
 * RuleTester in ESLint's manner, but through a real workbook: each case is rendered to xlsx, read back through
 * read → map → model, and checked with every rule. A valid case raises nothing from the rule under test; an
 * invalid case raises exactly the listed findings from it and breaks no other rule (no other error or warning).
 */
export function ruleTester(rule: TableRule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(rule.meta.id, () => {
    for (const c of cases.valid)
      it(`valid: ${c.name}`, () => {
        const { all } = run(c);
        expect(all.filter((f) => f.rule === rule.meta.id)).toEqual([]);
      });
    for (const c of cases.invalid)
      it(`invalid: ${c.name}`, () => {
        const { all } = run(c);
        const mine = all.filter((f) => f.rule === rule.meta.id);
        expect(mine.map((f) => f.cell)).toEqual(c.errors.map((e) => e.cell));
        mine.forEach((f, i) => {
          const e = c.errors[i]!;
          expect(f.severity).toBe(rule.meta.severity);
          if (typeof e.message === 'string') expect(f.message).toBe(e.message);
          else expect(f.message).toMatch(e.message);
          if (e.expected !== undefined) expect(f.expected).toBe(e.expected);
          if (e.actual !== undefined) expect(f.actual).toBe(e.actual);
        });
        const others = all.filter((f) => f.rule !== rule.meta.id && f.severity !== 'info');
        expect(others.map((f) => `${f.rule} ${f.cell} ${f.message}`)).toEqual([]);
      });
  });
}
