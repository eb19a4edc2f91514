import type { Cell } from '../read/index.js';
import type { LabelIndex } from './labels.js';
import type { Mapping } from './schema.js';

/**
 * The two blocks of the form stand on a sheet as blocks: 全年预算数 beside 全年执行数 in one header band; 三级指标
 * beside 分值 and 得分 — or, on a form with no scores, beside its target or actual column — in another. A 填表说明
 * sheet names every label too, but one under the other; a contact list or the bureau's ledger has no indicator block.
 */

/** Cells within a few rows of `anchor`, in other columns than it and than `others`. */
function band(anchor: Cell, depth: number, others: Cell[] = []) {
  return (c: Cell) => c.r >= anchor.r - depth + 1 && c.r < anchor.r + depth && c.c !== anchor.c && !others.some((o) => o.c === c.c);
}

/**
 * The fund block's 全年预算数 header: the first, in synonym order, with a 全年执行数 header beside it. For a layout
 * that writes its amounts as labelled values, the budget's label, with the executed amount's label on the sheet too.
 */
export function fundHeader(m: Mapping, idx: LabelIndex): Cell | undefined {
  const v = m.funds.values;
  if (v?.budget && v.executed) {
    const executed = idx.find(v.executed.labels, v.executed.match) ?? idx.findInline(v.executed.labels)?.cell;
    return executed ? (idx.find(v.budget.labels, v.budget.match) ?? idx.findInline(v.budget.labels)?.cell) : undefined;
  }
  const budget = m.funds.columns.budget!;
  const executed = m.funds.columns.executed!;
  for (const label of budget) for (const cell of idx.findAll([label])) if (idx.find(executed, 'exact', band(cell, 3))) return cell;
  return undefined;
}

/** The indicator block's 三级指标 header: the first with 分值 and 得分 beside it, or its target or actual column. */
export function indicatorHeader(m: Mapping, idx: LabelIndex): Cell | undefined {
  const t = m.indicators.columns;
  const values = [t.target, t.targetAdjusted, t.targetInitial, t.targetValue, t.actual].flatMap((l) => l ?? []);
  for (const cell of idx.findAll(t.level3!)) {
    const weight = t.weight ? idx.find(t.weight, 'exact', band(cell, 2)) : undefined;
    if (weight && t.score && idx.find(t.score, 'exact', band(cell, 2, [weight]))) return cell;
    if (values.length && idx.find(values, 'exact', band(cell, 2))) return cell;
  }
  return undefined;
}

/** Whether both blocks stand on the sheet. */
export function blocksStand(m: Mapping, idx: LabelIndex): boolean {
  return !!fundHeader(m, idx) && !!indicatorHeader(m, idx);
}
