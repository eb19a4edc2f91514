import path from 'node:path';
import { type Mapping, type RawTable, type Slot, visibleOnly, whyNot } from '../map/index.js';
import type { IndicatorValue, NumberField, ProjectTable } from '../model/index.js';
import { loadTables } from '../audit/index.js';

const STATE_ZH: Record<string, string> = { dirty: '含多余字符，按此数处理', unreadable: '无法识别为数字', empty: '无值' };

/** How the model read each cell: the number (and its state) or the parsed comparison, by address. */
function readings(t: ProjectTable | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!t) return out;
  const num = (f: NumberField | undefined) => {
    if (!f?.cell || (f.state === 'ok' && f.value?.toFixed() === f.text.trim())) return;
    const note = STATE_ZH[f.state];
    out.set(f.cell, f.value ? `数值 ${f.value.toFixed()}${note ? `（${note}）` : ''}` : (note ?? ''));
  };
  const cmp = (v: IndicatorValue | null) => {
    if (v?.cell && v.comparison) out.set(v.cell, `${v.comparison.op} ${v.comparison.value.toFixed()}${v.comparison.unit ? ` ${v.comparison.unit}` : ''}`);
  };
  for (const row of [...(t.funds.total ? [t.funds.total] : []), ...t.funds.sources]) for (const f of Object.values(row.values)) num(f);
  for (const i of t.indicators) {
    num(i.weight);
    num(i.score);
    for (const v of [i.targetInitial, i.targetAdjusted, i.target, i.actual]) cmp(v);
  }
  num(t.total);
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
  for (const [k, v] of Object.entries(raw.fields)) out.push(`  ${k.padEnd(12)} ${show(v)}`);
  out.push(`  funds (${raw.amountUnit}) columns: ${raw.fundColumns.join(', ')}`);
  for (const row of raw.fundRows) {
    out.push(`    [${row.kind}] ${show(row.label)}`);
    for (const [k, v] of Object.entries(row.values)) out.push(`      ${k.padEnd(10)} ${show(v)}`);
  }
  out.push(`  goal.target  ${show(raw.goal.target)}`);
  out.push(`  goal.actual  ${show(raw.goal.actual)}`);
  out.push(`  indicators (${raw.indicators.length}) columns: ${raw.indicatorColumns.join(', ')}`);
  raw.indicators.forEach((ind, i) => {
    out.push(`    #${i + 1}`);
    for (const [k, v] of Object.entries(ind.values)) out.push(`      ${k.padEnd(14)} ${show(v)}`);
  });
  for (const a of raw.analysis) out.push(`  analysis.${a.key.padEnd(14)} ${show(a.value)}`);
  if (raw.missed.length) {
    out.push('  missed (the mapping names these, the sheet lacks them; 可选 = the table can do without):');
    for (const m of raw.missed) out.push(`    - ${m}`);
  }
  return out;
}

/** `recon inspect FILE`: what each sheet matched and every field read with its cell. */
export async function inspect(file: string, mappings: Mapping[], cwd = process.cwd()): Promise<string> {
  const res = await loadTables(path.resolve(cwd, file), path.basename(file), mappings, { keepRaw: true });
  const lines = [`${file}: ${res.status}${res.failure ? ` (${res.failure.code}: ${res.failure.detail})` : ''}`];
  let table = 0;
  for (const s of res.sheets) {
    lines.push(`sheet "${s.name}": ${s.layout ? `mapping ${s.layout}` : 'no mapping matched (not a table)'}`);
    if (s.raw) lines.push(...describe(s.raw, res.tables[table++]));
    const grid = s.layout ? undefined : res.grids?.find((g) => g.name === s.name);
    if (grid)
      for (const m of mappings) {
        const why = whyNot(visibleOnly(grid), m);
        if (why.length) lines.push(`  not ${m.id}: ${why.join('；')}`);
        else lines.push(`  ${m.id} fits, but the sheet is hidden beside a visible table`);
      }
  }
  return lines.join('\n');
}
