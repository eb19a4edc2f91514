import path from 'node:path';
import type { Mapping, RawTable, Slot } from '../map/index.js';
import { loadTables } from '../audit/tables.js';

const show = (slot: Slot | null | undefined): string => {
  if (slot === undefined) return '—';
  if (slot === null) return '（未找到标签）';
  const t = slot.cell?.text.replace(/\s+/g, ' ').trim() ?? '';
  const short = t.length > 40 ? `${t.slice(0, 40)}…` : t;
  return `${slot.addr.padEnd(5)} ${short === '' ? '（空）' : short}`;
};

function describe(raw: RawTable): string[] {
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
    out.push('  missed (the mapping names these, the sheet lacks them):');
    for (const m of raw.missed) out.push(`    - ${m}`);
  }
  return out;
}

/** `recon inspect FILE`: what each sheet matched and every field read with its cell. */
export async function inspect(file: string, mappings: Mapping[]): Promise<string> {
  const res = await loadTables(file, path.basename(file), mappings, { keepRaw: true });
  const lines = [`${file}: ${res.status}${res.failure ? ` (${res.failure.code}: ${res.failure.detail})` : ''}`];
  for (const s of res.sheets) {
    lines.push(`sheet "${s.name}": ${s.layout ? `mapping ${s.layout}` : 'no mapping matched (not a table)'}`);
    if (s.raw) lines.push(...describe(s.raw));
  }
  return lines.join('\n');
}
