/**
 * The hostile files of issue 17, each generated here (nothing big is committed), audited in one batch beside honest
 * ones under `--memory 256 --timeout 20`: every hostile file ends as a finding with its reason, or is audited with
 * what it copies clipped; none takes the batch down, freezes it or floods the report; the honest files are audited
 * as usual. Time and memory are bounded by the tool's own limits: a file that needed more would show here as
 * 读取超时 or 内存超限 instead of being audited.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FindingsDoc, ZFW, ZFW_UNIT_NAME, readFindings, removeTempRoots, runAudit, tableXlsx, tempRoot, walk, write } from '../cli/helpers.js';
import { departmentNamed, duplicateEntryBomb, hugeSheetName, ledgerWithMerges, longTexts, manyMerges, textEverywhere } from '../fixtures/hostile.js';
import { insurance, xueliang } from '../helpers/workbooks.js';

afterAll(removeTempRoots);

const FOUR_BYTE_DEPARTMENT = `009-${'𠀀'.repeat(120)}`;

const FILES = {
  honest: '政法委/网格员意外伤害保险.xlsx',
  honest2: '政法委/雪亮工程.xlsx',
  // 1: a sheet name of 70 MB in ~90 KB: over the part limit a quarter of --memory 256 allows
  sheetNameBomb: '甲/表名.xlsx',
  // and one of 1 MB: read, and clipped wherever a finding names its sheet
  longSheetName: '甲/长表名.xlsx',
  // 2: a 主管部门 of 200,000 spaces
  spaces: '乙/空格.xlsx',
  // 3: 300 MB of zeros behind a duplicate entry (the fast reader declines it), declaring 1 KB
  bomb: '丙/压缩炸弹.xlsx',
  // 5: a department named in 4-byte characters
  fourByte: '丁/生僻字.xlsx',
  // 6: 100,000-character cells copied into findings
  longText: '戊/长文本.xlsx',
  // 11: 20,000 overlapping whole-sheet merges over a 5,000-row sheet
  merges: '己/合并单元格.xlsx',
  // 2 again, everywhere: 200,000 characters of spaces, digits and dots in every free-text cell (analysis, goals,
  // indicator names and values), the shapes a backtracking pattern would choke on
  textEverywhere: '庚/满表长文本.xlsx',
  // and ()()() and ：：： (a minute each for 50,000 characters, through label matching, before)
  brackets: '庚/括号冒号.xlsx',
};

let root: string;
let out: string;
let doc: FindingsDoc;
let code: number | null;
let stderr: string;

beforeAll(async () => {
  root = tempRoot();
  const bureau = path.join(root, 'bureau');
  const put = (rel: string, buf: Buffer) => write(path.join(bureau, rel), buf);
  put(FILES.honest, tableXlsx(insurance));
  put(FILES.honest2, tableXlsx(xueliang));
  put(FILES.sheetNameBomb, hugeSheetName(70 * 1024 * 1024));
  put(FILES.longSheetName, hugeSheetName(1024 * 1024));
  put(FILES.spaces, departmentNamed(`${' '.repeat(200_000)}010-某局`));
  put(FILES.bomb, duplicateEntryBomb(300 * 1024 * 1024, { declared: 1024 }));
  put(FILES.fourByte, departmentNamed(FOUR_BYTE_DEPARTMENT));
  put(FILES.longText, longTexts('长'.repeat(100_000)));
  put(FILES.merges, manyMerges(20_000));
  put(FILES.textEverywhere, textEverywhere(`${' 1 .'.repeat(50_000)}万元`));
  put(FILES.brackets, textEverywhere(`${'()'.repeat(50_000)}${'：'.repeat(100_000)}x`));
  for (const rel of Object.values(FILES)) expect(fs.statSync(path.join(bureau, rel)).size).toBeLessThan(400_000);
  out = path.join(root, 'out');
  const run = await runAudit([bureau, '--out', out, '--memory', '256', '--timeout', '20', '--jobs', '2'], root);
  code = run.code;
  stderr = run.stderr;
  doc = readFindings(out);
}, 120_000);

const status = (rel: string) => doc.inputs.find((i) => i.file === rel)?.status;
const of = (rel: string) => doc.findings.filter((f) => f.file === rel);

describe('a batch with every hostile file in it', () => {
  it('ends with a report for everyone (exit 1: there are errors), nothing lost', () => {
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(doc.inputs.map((i) => i.file).sort()).toEqual(Object.values(FILES).sort());
    expect(fs.existsSync(path.join(out, 'summary.xlsx'))).toBe(true);
  });

  it('audits the honest files as usual', () => {
    expect(status(FILES.honest)).toBe('audited');
    expect(status(FILES.honest2)).toBe('audited');
    expect(of(FILES.honest).map((f) => f.rule)).not.toContain('file.unreadable');
  });

  it('1: a 70 MB sheet name is 文件过大 before anything parses it; a 1 MB one is read and clipped', () => {
    expect(status(FILES.sheetNameBomb)).toBe('unreadable');
    expect(of(FILES.sheetNameBomb)).toMatchObject([{ rule: 'file.unreadable', cell: null, message: '文件过大（解压后超过 64.0 MB），超出读取上限' }]);
    expect(status(FILES.longSheetName)).toBe('audited');
    const named = of(FILES.longSheetName).filter((f) => f.sheet !== null);
    expect(named.length).toBeGreaterThan(0);
    for (const f of named) expect(f.sheet).toBe(`${'A'.repeat(200)}…`);
  });

  it('2: a department of 200,000 spaces is audited, its lists named within the file-name limits', () => {
    expect(status(FILES.spaces)).toBe('audited');
    const f = of(FILES.spaces)[0]!;
    expect(f.department!.length).toBeLessThanOrEqual(201);
    for (const name of walk(path.join(out, 'corrections'))) expect(Buffer.byteLength(path.basename(name))).toBeLessThanOrEqual(255);
  });

  it('3: a ZIP bomb the fast reader declines is measured before SheetJS gets it: 文件过大, never inflated', () => {
    expect(status(FILES.bomb)).toBe('unreadable');
    expect(of(FILES.bomb)).toMatchObject([{ rule: 'file.unreadable', message: expect.stringMatching(/^文件过大（解压后超过 64\.0 MB）/) }]);
  });

  it('5: a department in 4-byte characters gets its correction list, the name cut within 255 bytes', () => {
    expect(status(FILES.fourByte)).toBe('audited');
    const lists = walk(path.join(out, 'corrections')).filter((n) => n.startsWith('009-'));
    expect(lists.length).toBeGreaterThanOrEqual(2); // .xlsx and .csv
    for (const n of lists) expect(Buffer.byteLength(n)).toBeLessThanOrEqual(255);
  });

  it('6: what a finding copies of a 100,000-character cell is 200 characters and …; the report stays small', () => {
    expect(status(FILES.longText)).toBe('audited');
    const mine = of(FILES.longText);
    expect(mine.length).toBeGreaterThan(0);
    for (const f of mine) {
      for (const v of [f.message, f.expected, f.actual, f.unit, f.project, f.sheet]) expect((v ?? '').length).toBeLessThan(1000);
    }
    expect(mine.some((f) => f.message.includes(`${'长'.repeat(200)}…`) || f.actual === `${'长'.repeat(200)}…` || f.unit === `${'长'.repeat(200)}…`)).toBe(true);
    expect(fs.statSync(path.join(out, 'findings.json')).size).toBeLessThan(2_000_000);
  });

  it('11: 20,000 overlapping merges over a 5,000-row sheet are read within the time limit', () => {
    expect(status(FILES.merges)).toBe('audited');
    expect(of(FILES.merges).map((f) => f.rule)).not.toContain('file.unreadable');
    // the table itself reads as it did before the merges were added: the insurance table's findings
    const honest = of(FILES.honest).map((f) => [f.rule, f.cell]);
    expect(of(FILES.merges).map((f) => [f.rule, f.cell])).toEqual(honest);
  });

  it('2: 200,000 characters in every free-text cell are read and checked like any text', () => {
    expect(status(FILES.textEverywhere)).toBe('audited');
    expect(status(FILES.brackets)).toBe('audited');
    for (const f of of(FILES.textEverywhere)) expect(f.message.length).toBeLessThan(1000);
  });

  it('the honest department is filed as usual', () => {
    expect(of(FILES.honest).every((f) => f.department === ZFW)).toBe(true);
  });
});

describe('4: the ledger is read under the same limits as a submission, in a reader process', () => {
  const rows = [
    ['007001', ZFW_UNIT_NAME, '网格员意外伤害保险', '70000', '66950'],
    ['007001', ZFW_UNIT_NAME, '“雪亮工程”建设项目', '5000000', '4900000'],
  ];

  it('a ledger with 20,000 overlapping merges is read in time and checked against', async () => {
    const dir = tempRoot();
    write(path.join(dir, 'in', FILES.honest), tableXlsx(insurance));
    write(path.join(dir, 'in', FILES.honest2), tableXlsx(xueliang));
    write(path.join(dir, 'ledger.xlsx'), ledgerWithMerges(rows, 20_000));
    const run = await runAudit([path.join(dir, 'in'), '--out', path.join(dir, 'out'), '--ledger', path.join(dir, 'ledger.xlsx'), '--timeout', '10', '--jobs', '1'], dir);
    expect(run.stderr).toBe('');
    const d = readFindings(path.join(dir, 'out'));
    expect(d.findings.filter((f) => f.rule.startsWith('ledger.')).map((f) => [f.rule, f.file, f.cell])).toEqual([['ledger.mismatch', FILES.honest2, 'F8']]);
  });

  it('a ledger that cannot be read within the time limit stops the run at once, in words (exit 2)', async () => {
    const dir = tempRoot();
    write(path.join(dir, 'in', FILES.honest), tableXlsx(insurance));
    // 5,000 × 200 distinct texts: seconds to read, far over a one-second limit
    const big = Array.from({ length: 5000 }, (_, r) => Array.from({ length: 200 }, (_, c) => `第${r}行${c}列`).join(',')).join('\n');
    write(path.join(dir, 'ledger.csv'), `单位代码,单位名称,项目名称,全年预算数（元）,全年执行数（元）\n${big}`);
    const run = await runAudit([path.join(dir, 'in'), '--out', path.join(dir, 'out'), '--ledger', path.join(dir, 'ledger.csv'), '--timeout', '1', '--jobs', '1'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/台账无法读取：.*ledger\.csv：读取超时/);
    expect(fs.existsSync(path.join(dir, 'out', 'findings.json'))).toBe(false);
  });
});
