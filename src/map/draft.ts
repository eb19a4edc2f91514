import type { Cell, Sheet } from '../read/index.js';
import { normLabel, withoutTrailingNotes } from '../text/index.js';
import { LabelIndex } from './labels.js';
import type { Field, FundKey, IndicatorKey, Mapping } from './schema.js';

/**
 * A draft mapping for a sheet no layout reads (`recon inspect`): every concept the generic reader knows, named by the
 * label this sheet writes for it — a known synonym, else a header that reads like one (`核定经费数` for a budget).
 * What was not found is marked `待填写：…` for the mapping's author; the draft is valid as it stands, so that it can
 * be tried with `--mapping` at once.
 */

const TODO = '待填写：';

/** Labels that read like a concept when no synonym is on the sheet. */
const LOOKS_LIKE: Partial<Record<FundKey | IndicatorKey | 'project' | 'department' | 'unit' | 'total', RegExp>> = {
  project: /^(项目|专项|资金).{0,4}名称$/,
  department: /主管/,
  unit: /(实施|预算|承担|执行|使用|项目|用款)单位/,
  total: /^(总分|总计|合计|总得分|综合得分)/,
  budget: /预算|批复|核定|计划/,
  executed: /^(?!.*率$).*(执行|支出|使用|拨付|已用|实用|实际)/,
  rate: /(执行|完成|支出)率/,
  weight: /分值|权重|满分|标准分/,
  score: /得分|评分|自评分/,
  level3: /三级|指标名称|指标内容/,
  target: /(指标|目标)值|预期/,
  actual: /实际|完成值|完成情况/,
};

/** The label a cell writes, as a mapping names it: no spaces, no trailing notes in brackets. */
function asLabel(cell: Cell): string {
  return withoutTrailingNotes(normLabel(cell.text));
}

export function draftMapping(sheet: Sheet, generic: Mapping): Mapping {
  const idx = new LabelIndex(sheet);
  const used = new Set<string>();
  const pick = (key: string, synonyms: readonly string[], near?: (c: Cell) => boolean): string | null => {
    const hit = idx.find(synonyms, 'exact', (c) => !used.has(c.addr) && (!near || near(c)));
    const pattern = LOOKS_LIKE[key as keyof typeof LOOKS_LIKE];
    const guess = hit ?? (pattern ? idx.cells((c) => !used.has(c.addr) && (!near || near(c)) && c.text.length <= 20 && pattern.test(asLabel(c)))[0] : undefined);
    if (!guess) return null;
    used.add(guess.addr);
    return asLabel(guess);
  };
  const field = (key: string, alts: Field | undefined): Field | undefined => {
    if (!alts) return undefined;
    const label = pick(key, alts.flatMap((f) => f.labels));
    return [{ ...alts[0]!, labels: [label ?? `${TODO}${alts[0]!.labels[0]}`] }];
  };
  const project = field('project', generic.fields.project);
  const department = field('department', generic.fields.department)!;
  const unit = field('unit', generic.fields.unit);
  const budgetLabel = pick('budget', generic.funds.columns.budget!);
  const budgetCell = budgetLabel ? idx.find([budgetLabel]) : undefined;
  const inBand = (anchor: Cell | undefined, depth: number) => (anchor ? (c: Cell) => Math.abs(c.r - anchor.r) < depth : undefined);
  const funds: Mapping['funds']['columns'] = {};
  for (const [k, synonyms] of Object.entries(generic.funds.columns) as [FundKey, string[]][]) {
    const label = k === 'budget' ? budgetLabel : pick(k, synonyms, inBand(budgetCell, 2));
    if (label) funds[k] = [label];
    else if (k === 'executed') funds[k] = [`${TODO}${synonyms[0]}`];
  }
  funds.budget ??= [`${TODO}${generic.funds.columns.budget![0]}`];
  const level3Label = pick('level3', generic.indicators.columns.level3!);
  const level3Cell = level3Label ? idx.find([level3Label]) : undefined;
  const indicators: Mapping['indicators']['columns'] = {};
  for (const [k, synonyms] of Object.entries(generic.indicators.columns) as [IndicatorKey, string[]][]) {
    const label = k === 'level3' ? level3Label : pick(k, synonyms, inBand(level3Cell, 2));
    if (label) indicators[k] = [label];
  }
  indicators.level3 ??= [`${TODO}${generic.indicators.columns.level3![0]}`];
  if (!indicators.target && !indicators.targetValue && !indicators.targetAdjusted && !indicators.targetInitial) indicators.target = [`${TODO}年度指标值`];
  const total = field('total', generic.fields.total);
  const totalRow = pick('total', generic.funds.totalRow);
  const labelOf = (f: Field | undefined) => f?.[0]?.labels[0];
  const own = [labelOf(project), labelOf(unit), funds.budget[0], indicators.level3[0]].filter((l): l is string => !!l && !l.startsWith(TODO));
  const slug = normLabel(sheet.name).replace(/[^a-z0-9]+/gi, '-').toLowerCase().replace(/^-|-$/g, '') || 'sheet';
  return {
    id: `draft-${slug}`,
    name: `草稿：${sheet.name}（请核对每个标签后改名）`,
    description: '由 recon inspect 按一张表的标签生成的草稿：请逐个核对标签，把“待填写”换成表中的写法，改一个自己的 id。',
    kind: generic.kind,
    fallback: false,
    match: { all: own.length ? own : [`${TODO}本格式特有的标签`], any: [], none: [] },
    fields: {
      ...(project ? { project } : {}),
      department,
      ...(unit ? { unit } : {}),
      ...(total ? { total: [{ ...total[0]!, column: 'indicators.score' }] } : {}),
    },
    funds: { ...generic.funds, anchor: undefined, columns: funds, totalRow: [totalRow ?? generic.funds.totalRow[0]!] },
    ...(generic.goal ? { goal: generic.goal } : {}),
    indicators: { ...generic.indicators, columns: indicators },
    scoring: generic.scoring,
    analysis: {},
  };
}
