import path from 'node:path';
import { type Mapping, type RawTable, type Slot, draftMapping, nearest, visibleOnly, whyNot } from '../map/index.js';
import type { IndicatorValue, NumberField, ProjectTable } from '../model/index.js';
import { loadTables } from '../audit/index.js';

const STATE_ZH: Record<string, string> = { dirty: '含多余字符，按此数处理', unreadable: '无法识别为数字', empty: '无值' };
const STATUS_ZH: Record<string, string> = { audited: '已识别', unreadable: '无法读取', unrecognized: '无法识别' };
const OP_ZH: Record<string, string> = { '=': '=', '>=': '≥', '<=': '≤', '>': '>', '<': '<' };

/** The mapping keys a mapping author writes, with the names the form gives them. */
const KEY_ZH: Record<string, string> = {
  title: '标题',
  project: '项目名称',
  projectCode: '项目编码',
  department: '主管部门',
  unit: '实施单位',
  total: '总分',
  grade: '等级',
  declared: '目标申报数',
  initial: '年初预算数',
  budget: '全年预算数',
  executed: '全年执行数',
  balance: '结余',
  rate: '执行率',
  weight: '分值',
  score: '得分',
  level1: '一级指标',
  level2: '二级指标',
  level3: '三级指标',
  targetInitial: '年初指标值',
  targetAdjusted: '调整后指标值',
  target: '年度指标值',
  targetOp: '指标性质',
  targetValue: '指标值',
  targetUnit: '度量单位',
  actual: '实际完成值',
  reason: '偏差原因',
};

const RATE_ZH: Record<RawTable['rate']['scoring'], string> = {
  separate: '执行率在资金区单独计分',
  indicator: '执行率作为指标行计分（如“预算执行率”），不另加分',
  none: '执行率不计分',
};

const keyName = (k: string) => `${KEY_ZH[k] ?? k}（${k}）`;

/** How the model read each cell: the number (and its state) or the parsed comparison, by address. */
function readings(t: ProjectTable | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!t) return out;
  const num = (f: NumberField | null | undefined) => {
    if (!f?.cell || (f.state === 'ok' && f.value?.toFixed() === f.text.trim())) return;
    const note = STATE_ZH[f.state];
    out.set(f.cell, f.value ? `数值 ${f.value.toFixed()}${note ? `（${note}）` : ''}` : (note ?? ''));
  };
  const cmp = (v: IndicatorValue | null) => {
    if (v?.cell && v.comparison) out.set(v.cell, `${v.comparison.op ? OP_ZH[v.comparison.op] : '（未写符号）'} ${v.comparison.value.toFixed()}${v.comparison.unit ? ` ${v.comparison.unit}` : ''}`);
  };
  for (const row of [...(t.funds.total ? [t.funds.total] : []), ...t.funds.sources]) for (const f of Object.values(row.values)) num(f);
  for (const i of t.indicators) {
    num(i.weight);
    num(i.score);
    for (const v of [i.targetInitial, i.targetAdjusted, i.target, i.actual]) cmp(v);
  }
  num(t.total);
  num(t.weightTotal);
  return out;
}

function describe(raw: RawTable, table: ProjectTable | undefined): string[] {
  const read = readings(table);
  const show = (slot: Slot | null | undefined): string => {
    if (slot === undefined) return '—';
    if (slot === null) return '（未找到标签）';
    const t = slot.cell?.text.replace(/\s+/g, ' ').trim() ?? '';
    const short = t.length > 40 ? `${t.slice(0, 40)}…` : t;
    const how = read.get(slot.addr);
    return `${slot.addr.padEnd(5)} ${short === '' ? '（空）' : short}${how && how !== short ? `  → ${how}` : ''}`;
  };
  const out: string[] = [];
  for (const [k, v] of Object.entries(raw.fields)) out.push(`  ${keyName(k).padEnd(16)} ${show(v)}`);
  if (raw.weightTotal) out.push(`  ${'分值合计'.padEnd(16)} ${show(raw.weightTotal)}`);
  out.push(`  资金区（金额单位：${raw.amountUnit}）列：${raw.fundColumns.map(keyName).join('、') || '无'}`);
  for (const row of raw.fundRows) {
    out.push(`    [${row.kind === 'total' ? '合计行' : '来源行'}] ${show(row.label)}`);
    for (const [k, v] of Object.entries(row.values)) out.push(`      ${keyName(k).padEnd(14)} ${show(v)}`);
  }
  out.push(`  年度目标        ${show(raw.goal.target)}`);
  out.push(`  实际完成情况    ${show(raw.goal.actual)}`);
  out.push(`  指标区（${raw.indicators.length} 个指标${raw.scored ? '' : '，无分值、得分：不计分的表'}；${RATE_ZH[raw.rate.scoring]}）列：${raw.indicatorColumns.map(keyName).join('、')}`);
  raw.indicators.forEach((ind, i) => {
    out.push(`    第 ${i + 1} 个指标`);
    for (const [k, v] of Object.entries(ind.values)) out.push(`      ${keyName(k).padEnd(16)} ${show(v)}`);
  });
  for (const a of raw.analysis) out.push(`  分析 ${a.label}  ${show(a.value)}`);
  if (raw.missed.length) {
    out.push('  映射中有、表中没有找到的标签（“可选”的可以没有）：');
    for (const m of raw.missed) out.push(`    - ${m}`);
  }
  return out;
}

/** A mapping as a person would write it: the reader's defaults left out. */
function mappingJson(m: Mapping): string {
  return JSON.stringify(
    m,
    (k, v: unknown) => {
      if ((k === 'match' && v === 'exact') || (k === 'take' && v === 'right') || (k === 'nth' && v === 1) || (k === 'fallback' && v === false)) return undefined;
      if (Array.isArray(v) && v.length === 0 && (k === 'any' || k === 'none')) return undefined;
      return v;
    },
    2,
  );
}

/** `recon inspect FILE`: what each sheet matched and every field read with its cell; for a sheet no layout reads, why
 * not, and a draft mapping to start a new layout from. */
export async function inspect(file: string, mappings: Mapping[], cwd = process.cwd()): Promise<string> {
  const res = await loadTables(path.resolve(cwd, file), path.basename(file), mappings, { keepRaw: true });
  const lines = [`${file}：${STATUS_ZH[res.status] ?? res.status}${res.failure ? `（${res.failure.code}：${res.failure.detail}）` : ''}`];
  let table = 0;
  const generic = mappings.find((m) => m.fallback && m.kind === 'project') ?? mappings[0]!;
  for (const s of res.sheets) {
    const m = s.layout ? mappings.find((x) => x.id === s.layout) : undefined;
    lines.push(`工作表“${s.name}”：${m ? `格式 ${m.id}（${m.name}）` : '没有符合的格式（不是自评表，或是新的格式）'}`);
    if (s.raw) lines.push(...describe(s.raw, res.tables[table++]));
    const grid = s.layout ? undefined : res.grids?.find((g) => g.name === s.name);
    if (!grid) continue;
    const sheet = visibleOnly(grid);
    if (!sheet.rowCount) {
      lines.push('  （空白工作表）');
      continue;
    }
    for (const x of mappings) {
      const why = whyNot(sheet, x);
      lines.push(why.length ? `  不是 ${x.id}：${why.join('；')}` : `  符合 ${x.id}，但它是与可见表格并存的隐藏工作表`);
    }
    const n = nearest(sheet, mappings);
    if (n) lines.push(`  最接近的格式：${n.mapping.id}（${n.mapping.name}），缺少：${n.lacking.join('、') || '无'}`);
    lines.push('  映射文件草稿（按本表的标签生成；核对每个标签、把“待填写”换成本表的写法、改 id 后存为 .json，用 --mapping 指定）：');
    lines.push(...mappingJson(draftMapping(sheet, generic)).split('\n').map((l) => `    ${l}`));
  }
  return lines.join('\n');
}
