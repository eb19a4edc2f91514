/**
 * Writes the sample bureau used by `npm run demo` and the tests:
 *   samples/政法委/   the seed's three tables, seed layout, merges kept, every figure as in the seed
 *   samples/公安局/   a department whose submissions are deliberately broken, so the demo shows real findings
 *   samples/ledger/预算执行台账.csv   the bureau's ledger: GB18030, amounts in 元 with thousands separators
 *   samples/layouts/   one workbook per built-in layout: published tables rebuilt (tests/fixtures/real), figures and
 *                      faults as published, or, where no complete published one was found, a variant drawn as they are
 * Run: npm run samples (the files are committed; rerunning gives byte-identical workbooks).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as XLSX from 'xlsx';
import iconv from 'iconv-lite';
import { renderSeedLayout } from './render-seed-layout.js';
import { insurance, wageTable, xueliang } from './seed-tables.js';
import type { TableSpec } from './table-spec.js';
import { SAMPLE_SHEET_NAME, buildWorkbook, writeWorkbook } from './workbook.js';
import { realSheet, type RealTable } from '../tests/helpers/real-table.js';
import { variants } from '../tests/fixtures/variants.js';
import shanghai from '../tests/fixtures/real/shanghai-2022-putuo-tiyu-jiesuan.js';
import tianchang from '../tests/fixtures/real/anhui-2022-tianchang-shuihan.js';
import yongde from '../tests/fixtures/real/yunnan-2022-yongde-yingyang.js';
import puhui from '../tests/fixtures/real/sichuan-unknown-puhui-jinrong.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const samplesDir = join(root, 'samples');

const POLICE = '008-大同市云州区公安局';
const POLICE_UNIT = '008001-大同市云州区公安局';

function variant(base: TableSpec, project: string, edit: (t: TableSpec) => void): TableSpec {
  const t = structuredClone(base);
  t.project = project;
  t.title = `${project}项目支出绩效自评表`;
  t.department = POLICE;
  t.unit = POLICE_UNIT;
  edit(t);
  return t;
}

/** Two fund sources whose 全年预算数 add up to 7.5, while the total row says 7: fund.sum. */
const policeStation = variant(insurance, '社区警务室建设', (t) => {
  t.funds[1] = { label: '市县区财政资金', declared: 6, initial: 6, budget: 6, executed: 5.695, balance: 0.305, rate: 94.92, score: 9.49 };
  t.funds.push({ label: '上级补助资金', declared: 1.5, initial: 1.5, budget: 1.5, executed: 1, balance: 0.5, rate: 66.67, score: 6.67 });
  t.funds[0]!.balance = 0.305;
});

/** 总分 96.5 where the scores add up to 98.76, graded 良; a deducted indicator with no reason. */
const antiFraud = variant(insurance, '反诈宣传经费', (t) => {
  t.total = 96.5;
  t.grade = '良';
  t.indicators[4]!.reason = '';
});

/** 全年执行数 typed in Chinese numerals: value.unreadable, and the arithmetic that needs it is skipped. Saved as .xls. */
const bodyCams = variant(insurance, '执法记录仪购置', (t) => {
  t.funds[0]!.executed = '六点六九五';
});

const files: { file: string; table: TableSpec; bookType?: 'xlsx' | 'xls' }[] = [
  { file: '政法委/雪亮工程建设项目.xlsx', table: xueliang },
  { file: '政法委/专职网格员工资.xlsx', table: wageTable },
  { file: '政法委/网格员意外伤害保险.xlsx', table: insurance },
  { file: '公安局/社区警务室建设.xlsx', table: policeStation },
  { file: '公安局/社区警务室建设（重复报送）.xlsx', table: policeStation },
  { file: '公安局/反诈宣传经费.xlsx', table: antiFraud },
  { file: '公安局/执法记录仪购置.xls', table: bodyCams, bookType: 'xls' },
];

for (const { file, table, bookType } of files) {
  const wb = buildWorkbook([{ name: SAMPLE_SHEET_NAME, ws: renderSeedLayout(table) }]);
  const out = join(samplesDir, file);
  writeWorkbook(out, wb, bookType ?? 'xlsx');
  console.log(`wrote ${out}`);
}

// One workbook per built-in layout, named after it (the seed layout is the 政法委's own).
const department = variants.find((v) => v.layout === 'department-2020' && !v.expected.length)!.table;
const layouts: [string, RealTable][] = [
  ['central-2020', shanghai],
  ['central-2019', tianchang],
  ['generic', yongde],
  ['department-2020', department],
  ['sichuan-special-2022', puhui],
];
for (const [layout, table] of layouts) {
  const out = join(samplesDir, 'layouts', `${layout}.xlsx`);
  writeWorkbook(out, buildWorkbook([{ name: table.sheet.slice(0, 31), ws: realSheet(table) }]));
  console.log(`wrote ${out}`);
}

// Not workbooks of the form: an empty file and a contact list.
mkdirSync(join(samplesDir, '公安局'), { recursive: true });
writeFileSync(join(samplesDir, '公安局/空表.xlsx'), '');
writeFileSync(join(samplesDir, '公安局/联系人.csv'), '\uFEFF姓名,科室,电话\n张三,办公室,0352-1234567\n李四,财务科,0352-7654321\n');

// The ledger as the budget system exports it: GB18030, 元, thousands separators, one project it has no table for.
const ledgerRows: string[][] = [
  ['单位代码', '单位名称', '项目编码', '项目名称', '全年预算数（元）', '全年执行数（元）'],
  ['007001', '中国共产党大同市云州区委员会政法委员会', '14021122000000000101', '“雪亮工程”建设项目', '5,000,000.00', '5,000,000.00'],
  ['007001', '中国共产党大同市云州区委员会政法委员会', '14021122000000000102', '专职网格员工资', '868,000.00', '868,000.00'],
  ['007001', '中国共产党大同市云州区委员会政法委员会', '14021122000000000103', '网格员意外伤害保险', '70,000.00', '66,950.00'],
  ['008001', '大同市云州区公安局', '14021122000000000201', '社区警务室建设', '70,000.00', '66,950.00'],
  ['008001', '大同市云州区公安局', '14021122000000000202', '反诈宣传经费', '70,000.00', '65,950.00'],
  ['008001', '大同市云州区公安局', '14021122000000000203', '执法记录仪购置', '70,000.00', '66,950.00'],
  ['008001', '大同市云州区公安局', '14021122000000000204', '禁毒宣传经费', '120,000.00', '118,500.00'],
];
const csv = XLSX.utils.sheet_to_csv(XLSX.utils.aoa_to_sheet(ledgerRows), { forceQuotes: true }) + '\n';
mkdirSync(join(samplesDir, 'ledger'), { recursive: true });
writeFileSync(join(samplesDir, 'ledger/预算执行台账.csv'), iconv.encode(csv.replace(/\n/g, '\r\n'), 'gb18030'));
console.log(`wrote ${join(samplesDir, 'ledger/预算执行台账.csv')} (GB18030)`);
