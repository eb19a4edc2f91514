/**
 * The 整改 loop's two rounds for the web service's tests, as the page uploads them (relative paths in a folder):
 * the batch of tests/audit/loop.test.ts — an audit, then a resubmission that fixes a total, renames its file, moves
 * a table two rows down, adds a new error, drops one file and sends one file again unchanged — generated here.
 * `extra` adds clean police tables to both rounds (each with its two notes), for a findings table longer than a page.
 */
import { POLICE, police, tableXlsx } from '../cli/helpers.js';
import { type TableSpec, insurance, sheetOf, spec, workbookBuffer } from '../helpers/workbooks.js';

export { POLICE };
export const ZFW = '007-中国共产党大同市云州区委员会政法委员会';
export const EDU = '012-云州区教育局';

export interface UploadFile {
  path: string;
  data: Buffer;
}

const edu = spec(insurance, (t) => {
  t.project = '学生资助';
  t.department = EDU;
  t.unit = '012001-云州区第一中学';
});
/** 总分 `total` for 98.76, and a deduction with no reason. */
const antiFraud = (total: number) =>
  police('反诈宣传经费', (t) => {
    t.total = total;
    t.indicators[4]!.reason = '';
  });
/** 上级补助资金 1.5 where 1 belongs (the three amount columns). */
const station = police('社区警务室建设', (t) => {
  t.funds[1] = { label: '市县区财政资金', declared: 6, initial: 6, budget: 6, executed: 5.695, balance: 0.305, rate: 94.92, score: 9.49 };
  t.funds.push({ label: '上级补助资金', declared: 1.5, initial: 1.5, budget: 1.5, executed: 1, balance: 0.5, rate: 66.67, score: 6.67 });
});
/** Graded 良 though 98.76 is 优. */
const bodyCams = police('执法记录仪购置', (t) => void (t.grade = '良'));
const shifted = (t: TableSpec, rows: number) => workbookBuffer([{ name: '项目支出绩效自评表', ws: sheetOf(t, 'seed', { offsetRows: rows }) }]);

function extras(n: number): UploadFile[] {
  return Array.from({ length: n }, (_, i) => ({ path: `公安局/其他项目${String(i + 1).padStart(2, '0')}.xlsx`, data: tableXlsx(police(`其他项目${i + 1}`)) }));
}

export function roundOne(extra = 0): UploadFile[] {
  const eduFile = tableXlsx(spec(edu, (t) => void (t.total = 90)));
  return [
    { path: '公安局/反诈宣传经费.xlsx', data: tableXlsx(antiFraud(96.5)) },
    { path: '公安局/社区警务室建设.xlsx', data: tableXlsx(station) },
    { path: '公安局/执法记录仪购置.xlsx', data: tableXlsx(bodyCams) },
    { path: '政法委/网格员意外伤害保险.xlsx', data: tableXlsx(insurance) },
    { path: '教育局/学生资助.xlsx', data: eduFile },
    ...extras(extra),
  ];
}

/** Round two; `first` is round one as uploaded (the 教育局 file goes again byte for byte). */
export function roundTwo(first: UploadFile[], extra = 0): UploadFile[] {
  return [
    // fixed the total, not the reason; renamed the file
    { path: '公安局/反诈宣传经费（修改后）.xlsx', data: tableXlsx(antiFraud(98.76)) },
    // the same error, the table two rows further down
    { path: '公安局/社区警务室建设.xlsx', data: shifted(station, 2) },
    // 执法记录仪购置 not resubmitted
    // a new error: the rate of the source row
    { path: '政法委/网格员意外伤害保险.xlsx', data: tableXlsx(spec(insurance, (t) => void (t.funds[1]!.rate = 96.54))) },
    // the same file again
    { path: '教育局/学生资助.xlsx', data: first.find((f) => f.path === '教育局/学生资助.xlsx')!.data },
    ...extras(extra),
  ];
}
