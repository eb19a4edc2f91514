/**
 * Helpers for `recon audit`: run the CLI as a user would — its own main(), in this process, with its output
 * captured (the reader processes it starts are real processes all the same) — build bureau folders of workbooks
 * in a temp folder, and read the reports back. tests/e2e/cli-process.test.ts runs the built CLI as a process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import * as XLSX from 'xlsx';
import { main } from '../../src/cli/main.js';
import { type TableSpec, insurance, sheetOf, spec, wageTable, workbookBuffer, xueliang } from '../helpers/workbooks.js';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `recon audit …args` in `cwd`; never rejects, the exit code is in the result. */
export function runAudit(args: string[], cwd: string): Promise<CliResult> {
  return runCli(['audit', ...args], cwd);
}

/** `recon …args` in `cwd`, any command: main() in this process, what it says to the user captured. */
export async function runCli(args: string[], cwd: string): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { cwd, out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`), tty: null });
  return { code, stdout, stderr };
}

const roots: string[] = [];

/** A fresh temp folder `recon-e2e-…`; removed by removeTempRoots() unless RECON_E2E_KEEP is set. */
export function tempRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recon-e2e-'));
  roots.push(dir);
  return dir;
}

export function removeTempRoots(): void {
  if (process.env.RECON_E2E_KEEP) return;
  for (const dir of roots.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export function write(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
}

export const SHEET = '项目支出绩效自评表';

export function tableXlsx(t: TableSpec, bookType: 'xlsx' | 'biff8' = 'xlsx'): Buffer {
  return workbookBuffer([{ name: SHEET, ws: sheetOf(t) }], bookType);
}

// ---------------------------------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------------------------------

export { type Finding, type FindingsDocument as FindingsDoc, type InputRecord, readFindings } from '../helpers/findings.js';

/** Rows of the first sheet (or the named one), every cell as SheetJS gives it (raw values), header included. */
export function sheetRows(file: string, sheet?: string): unknown[][] {
  const wb = XLSX.read(fs.readFileSync(file), { type: 'buffer' });
  const name = sheet ?? wb.SheetNames[0];
  const ws = name === undefined ? undefined : wb.Sheets[name];
  if (!ws) throw new Error(`no sheet ${sheet ?? '(first)'} in ${file}; sheets: ${wb.SheetNames.join(', ')}`);
  return XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1, raw: true, defval: '' });
}

export function csvRows(file: string): string[][] {
  return parse(fs.readFileSync(file), { bom: true, relax_column_count: true }) as string[][];
}

/** Every file under `dir`, relative, forward slashes, sorted. */
export function walk(dir: string): string[] {
  const out: string[] = [];
  const go = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) go(p);
      else out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  go(dir);
  return out.sort();
}

// ---------------------------------------------------------------------------------------------------------------
// The bureau
// ---------------------------------------------------------------------------------------------------------------

export const ZFW = '007-中国共产党大同市云州区委员会政法委员会';
export const POLICE = '008-大同市云州区公安局';
export const POLICE_UNIT = '008001-大同市云州区公安局';

/** An insurance-table variant of the police department, renamed. */
export function police(project: string, edit?: (t: TableSpec) => void): TableSpec {
  return spec(insurance, (t) => {
    t.project = project;
    t.title = `${project}项目支出绩效自评表`;
    t.department = POLICE;
    t.unit = POLICE_UNIT;
    edit?.(t);
  });
}

type CfbApi = {
  utils: { cfb_new(): unknown; cfb_add(c: unknown, p: string, b: Buffer): void };
  write(c: unknown, o: object): Uint8Array;
};
const CFB = (XLSX as unknown as { CFB: CfbApi }).CFB;

/** A password-protected workbook as Excel saves it: a CFB container with EncryptionInfo and EncryptedPackage. */
export function encryptedWorkbook(): Buffer {
  const cfb = CFB.utils.cfb_new();
  CFB.utils.cfb_add(cfb, '/EncryptionInfo', Buffer.from([4, 0, 4, 0, 0x40, 0, 0, 0]));
  CFB.utils.cfb_add(cfb, '/EncryptedPackage', Buffer.alloc(64, 7));
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }));
}

/** The bureau's ledger: GB18030, 元 with thousands separators, every field quoted, CRLF. */
export function ledgerCsv(rows: string[][]): Buffer {
  const head = ['单位代码', '单位名称', '项目名称', '全年预算数（元）', '全年执行数（元）'];
  const text = [head, ...rows].map((r) => r.map((f) => `"${f.replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n';
  return iconv.encode(text, 'gb18030');
}

export const ZFW_UNIT_NAME = '中国共产党大同市云州区委员会政法委员会';
export const POLICE_UNIT_NAME = '大同市云州区公安局';

/** The files of the big bureau, relative to `bureau/`, with what the audit must make of them. */
export const BUREAU = {
  clean: ['政法委/专职网格员工资.xlsx', '政法委/网格员意外伤害保险.xlsx', '政法委/雪亮工程建设项目.xlsx'],
  /** A BIFF8 copy of the insurance table, after the .xlsx in file order. */
  duplicate: '政法委/网格员意外伤害保险（副本）.xls',
  fundSum: '公安局/社区警务室建设.xlsx',
  scoreTotal: '公安局/反诈宣传经费.xlsx',
  noLedgerRow: '公安局/执法记录仪购置.xlsx',
  empty: '公安局/空表.xlsx',
  truncated: '公安局/截断.xlsx',
  encrypted: '公安局/加密.xlsx',
  contacts: '公安局/联系人.csv',
  textAsXls: '公安局/说明.xls',
  lock: '公安局/~$草稿.xlsx',
  hidden: '公安局/.隐藏.xlsx',
} as const;

/**
 * Builds `root/bureau/{政法委,公安局}/…` and `root/ledger.csv` (see BUREAU). Returns the paths.
 */
export function buildBureau(root: string): { bureau: string; ledger: string } {
  const bureau = path.join(root, 'bureau');
  const at = (rel: string) => path.join(bureau, ...rel.split('/'));
  write(at('政法委/雪亮工程建设项目.xlsx'), tableXlsx(xueliang));
  write(at('政法委/专职网格员工资.xlsx'), tableXlsx(wageTable));
  write(at('政法委/网格员意外伤害保险.xlsx'), tableXlsx(insurance));
  write(at(BUREAU.duplicate), tableXlsx(insurance, 'biff8'));

  // Two fund sources whose 全年预算数 add up to 7.5 while the total row says 7.
  write(
    at(BUREAU.fundSum),
    tableXlsx(
      police('社区警务室建设', (t) => {
        t.funds[1] = { label: '市县区财政资金', declared: 6, initial: 6, budget: 6, executed: 5.695, balance: 0.305, rate: 94.92, score: 9.49 };
        t.funds.push({ label: '上级补助资金', declared: 1.5, initial: 1.5, budget: 1.5, executed: 1, balance: 0.5, rate: 66.67, score: 6.67 });
      }),
    ),
  );
  // 总分 96.5 where the scores add up to 98.76 (still 优: no grade finding).
  write(at(BUREAU.scoreTotal), tableXlsx(police('反诈宣传经费', (t) => void (t.total = 96.5))));
  write(at(BUREAU.noLedgerRow), tableXlsx(police('执法记录仪购置')));
  write(at(BUREAU.empty), Buffer.alloc(0));
  write(at(BUREAU.truncated), tableXlsx(police('截断的表')).subarray(0, 3000));
  write(at(BUREAU.encrypted), encryptedWorkbook());
  write(at(BUREAU.contacts), '姓名,科室,电话\n张三,办公室,0352-1234567\n李四,财务科,0352-7654321\n');
  write(at(BUREAU.textAsXls), '这是一份说明文字，不是表格。\n请查收。\n');
  // Never submissions, even though both hold a real table.
  write(at(BUREAU.lock), tableXlsx(police('锁文件项目')));
  write(at(BUREAU.hidden), tableXlsx(police('隐藏项目')));

  const ledger = path.join(root, 'ledger.csv');
  write(
    ledger,
    ledgerCsv([
      ['007001', ZFW_UNIT_NAME, '“雪亮工程”建设项目', '5,000,000.00', '5,000,000.00'],
      ['007001', ZFW_UNIT_NAME, '专职网格员工资', '868,000.00', '868,000.00'],
      ['007001', ZFW_UNIT_NAME, '网格员意外伤害保险', '70,000.00', '66,950.00'],
      ['008001', POLICE_UNIT_NAME, '社区警务室建设', '70,000.00', '66,950.00'],
      // The table says 6.695 万元 executed.
      ['008001', POLICE_UNIT_NAME, '反诈宣传经费', '70,000.00', '65,950.00'],
      // No table submitted.
      ['008001', POLICE_UNIT_NAME, '禁毒宣传经费', '120,000.00', '118,500.00'],
    ]),
  );
  return { bureau, ledger };
}
