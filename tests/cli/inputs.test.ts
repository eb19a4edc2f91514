/**
 * How `recon audit` finds its inputs: a ledger beside the submissions, a glob, a single file; and what happens
 * when outputs could be mistaken for inputs.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { insurance } from '../helpers/workbooks.js';
import { ZFW_UNIT_NAME, ledgerCsv, police, readFindings, runAudit, tableXlsx, tempRoot, walk, write, removeTempRoots } from './helpers.js';

afterAll(removeTempRoots);

describe('inputs', () => {
  it('a ledger inside the submissions folder is not a submission', async () => {
    const root = tempRoot();
    write(path.join(root, 'b', '政法委', '保险.xlsx'), tableXlsx(insurance));
    write(path.join(root, 'b', '台账.csv'), ledgerCsv([['007001', ZFW_UNIT_NAME, '网格员意外伤害保险', '70,000.00', '66,950.00']]));
    const r = await runAudit(['b', '--ledger', 'b/台账.csv', '--out', 'out'], root);
    expect(r.code, r.stderr).toBe(0);
    const doc = readFindings(path.join(root, 'out'));
    expect(doc.inputs.map((i) => i.file)).toEqual(['政法委/保险.xlsx']);
    expect(doc.findings.filter((f) => f.rule.startsWith('ledger.') || f.rule.startsWith('file.'))).toEqual([]);
  });

  it('a ledger put among the submissions without --ledger is said to look like one', async () => {
    const root = tempRoot();
    write(path.join(root, 'b', '政法委', '保险.xlsx'), tableXlsx(insurance));
    write(path.join(root, 'b', '台账.csv'), ledgerCsv([['007001', ZFW_UNIT_NAME, '网格员意外伤害保险', '70,000.00', '66,950.00']]));
    await runAudit(['b', '--out', 'out'], root);
    const f = readFindings(path.join(root, 'out')).findings.filter((x) => x.rule === 'file.unrecognized');
    expect(f.map((x) => [x.file, x.message.includes('像是预算执行台账')])).toEqual([['台账.csv', true]]);
  });

  it('globs and single files: `file` is relative to the glob base, or the file name', async () => {
    const root = tempRoot();
    write(path.join(root, 'd1', '保险.xlsx'), tableXlsx(insurance));
    write(path.join(root, 'd2', '警务.xlsx'), tableXlsx(police('社区警务室建设')));
    write(path.join(root, 'd2', '空.xlsx'), '');
    const [glob, single] = await Promise.all([
      runAudit(['d*/*.xlsx', '--out', 'out-glob'], root),
      runAudit(['d2/警务.xlsx', '--out', 'out-file'], root),
    ]);
    expect(glob.code, glob.stderr).toBe(1);
    expect(readFindings(path.join(root, 'out-glob')).inputs.map((i) => [i.file, i.status])).toEqual([
      ['d1/保险.xlsx', 'audited'],
      ['d2/空.xlsx', 'unreadable'],
      ['d2/警务.xlsx', 'audited'],
    ]);
    expect(single.code, single.stderr).toBe(0);
    const doc = readFindings(path.join(root, 'out-file'));
    expect(doc.inputs.map((i) => i.file)).toEqual(['警务.xlsx']);
    expect(new Set(doc.findings.map((f) => f.file))).toEqual(new Set(['警务.xlsx']));
  });

  it('a glob through folders whose names hold brackets takes them as written', async () => {
    const root = tempRoot();
    write(path.join(root, '政法委 (2022)', '[一季度]', '保险.xlsx'), tableXlsx(insurance));
    write(path.join(root, '政法委 (2022)', '警务.xlsx'), tableXlsx(police('社区警务室建设')));
    const r = await runAudit(['政法委 (2022)/**/*.xlsx', '--out', 'out'], root);
    expect(r.code, r.stderr).toBe(0);
    expect(readFindings(path.join(root, 'out')).inputs.map((i) => i.file)).toEqual(['[一季度]/保险.xlsx', '警务.xlsx']);
  });

  it('refuses --out that is the input folder or holds it, saying so (exit 2)', async () => {
    const root = tempRoot();
    write(path.join(root, 'b', '政法委', '保险.xlsx'), tableXlsx(insurance));
    for (const out of ['b', '.']) {
      const r = await runAudit(['b', '--out', out], root);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('输出文件夹');
    }
  });

  it('a file with no table goes where its folder’s tables go, else to 未知部门 (a folder’s name is no department)', async () => {
    const root = tempRoot();
    write(path.join(root, 'bureau', '教育', '空.xlsx'), '');
    write(path.join(root, 'bureau', '教育', '一中.xlsx'), tableXlsx(police('一中保险', (t) => void (t.department = '012-云州区教育局'))));
    write(path.join(root, 'bureau', '民政', '坏.xlsx'), 'not a workbook');
    const r = await runAudit(['bureau', '--out', 'out'], root);
    expect(r.code).toBe(1);
    const doc = readFindings(path.join(root, 'out'));
    expect(doc.findings.filter((f) => f.rule.startsWith('file.')).map((f) => [f.file, f.department])).toEqual([
      ['教育/空.xlsx', '012-云州区教育局'],
      ['民政/坏.xlsx', null],
    ]);
    expect(walk(path.join(root, 'out', 'corrections')).sort()).toEqual(['012-云州区教育局.csv', '012-云州区教育局.xlsx', '未知部门.csv', '未知部门.xlsx']);
  });

  it('one department however its tables write its name: one correction list per 主管部门 code', async () => {
    const root = tempRoot();
    const edu = (name: string, department: string) => police(name, (t) => void (t.department = department));
    write(path.join(root, 'b', '教育', '一中.xlsx'), tableXlsx(edu('一中保险', '区教育局（012）')));
    write(path.join(root, 'b', '教育', '二中.xlsx'), tableXlsx(edu('二中保险', '012-云州区教育局')));
    await runAudit(['b', '--out', 'out'], root);
    const doc = readFindings(path.join(root, 'out'));
    expect(new Set(doc.findings.map((f) => f.department))).toEqual(new Set(['012-区教育局']));
    expect(walk(path.join(root, 'out', 'corrections')).map((f) => path.basename(f)).sort()).toEqual(['012-区教育局.csv', '012-区教育局.xlsx']);
  });

  // Regression (fixed): discover() does not leave out the --out folder. With --out inside the input folder (`recon audit b --out
  // b/out`, or `recon audit . --out out`), a second run audits the first run's reports: annotated/…/保险.xlsx is
  // audited again (a second table of the same project → batch.duplicate), corrections/*.xlsx, *.csv and
  // summary.xlsx become file.unrecognized errors, and the exit code turns from 0 to 1 for a clean folder.
  // Expected: the same findings.json both times (inputs: only 政法委/保险.xlsx), exit 0.
  it('a second run with --out inside the input folder does not audit the first run’s reports', async () => {
    const root = tempRoot();
    write(path.join(root, 'b', '政法委', '保险.xlsx'), tableXlsx(insurance));
    const first = await runAudit(['b', '--out', 'b/out'], root);
    const firstDoc = readFindings(path.join(root, 'b', 'out'));
    const second = await runAudit(['b', '--out', 'b/out'], root);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(readFindings(path.join(root, 'b', 'out'))).toEqual(firstDoc);
    expect(firstDoc.inputs.map((i) => i.file)).toEqual(['政法委/保险.xlsx']);
  });

  // Regression (fixed): two folder arguments holding the same relative path (`recon audit 2022a 2022b`, each with 保险.xlsx)
  // give both inputs the file name 保险.xlsx, and src/report/annotate.ts annotatedPath() sends both annotated copies
  // to annotated/保险.xlsx: one overwrites the other (which one depends on worker timing). Expected: one annotated
  // copy per audited workbook (SPEC: "each audited workbook again").
  it('two folders with the same relative file name keep both annotated copies', async () => {
    const root = tempRoot();
    write(path.join(root, 'd1', '保险.xlsx'), tableXlsx(insurance));
    write(path.join(root, 'd2', '保险.xlsx'), tableXlsx(police('社区警务室建设')));
    const r = await runAudit(['d1', 'd2', '--out', 'out'], root);
    expect(r.code, r.stderr).toBe(0);
    expect(readFindings(path.join(root, 'out')).inputs.filter((i) => i.status === 'audited')).toHaveLength(2);
    expect(walk(path.join(root, 'out', 'annotated'))).toHaveLength(2);
  });

  it('input folders of the same name under different parents are told apart by their parents', async () => {
    const root = tempRoot();
    write(path.join(root, 'bureau1', '教育局', '学生资助.xlsx'), tableXlsx(insurance));
    write(path.join(root, 'bureau2', '教育局', '学生资助.xlsx'), tableXlsx(police('社区警务室建设')));
    const r = await runAudit(['bureau1/教育局', 'bureau2/教育局', '--out', 'out'], root);
    expect(r.code, r.stderr).toBe(0);
    const doc = readFindings(path.join(root, 'out'));
    expect(doc.inputs.map((i) => i.file)).toEqual(['bureau1/教育局/学生资助.xlsx', 'bureau2/教育局/学生资助.xlsx']);
    expect(walk(path.join(root, 'out', 'annotated'))).toHaveLength(2);
  });

  it('two inputs whose annotated copies would share a name both keep one (a:b and a_b; X.xls and X.xls.xlsx)', async () => {
    const root = tempRoot();
    write(path.join(root, 'in', '部门', 'a:b.xlsx'), tableXlsx(insurance));
    write(path.join(root, 'in', '部门', 'a_b.xlsx'), tableXlsx(police('社区警务室建设')));
    write(path.join(root, 'in', '部门', 'X.xls'), tableXlsx(police('反诈宣传经费'), 'biff8'));
    write(path.join(root, 'in', '部门', 'X.xls.xlsx'), tableXlsx(police('执法记录仪购置')));
    const r = await runAudit(['in', '--out', 'out'], root);
    expect(r.code, r.stderr).toBe(0);
    expect(walk(path.join(root, 'out', 'annotated')).sort()).toEqual(['部门/X.xls.xlsx', '部门/X.xls_2.xlsx', '部门/a_b.xlsx', '部门/a_b_2.xlsx']);
  });

  it('an earlier run’s reports left in the input folder are no submissions, and a rerun into the same --out leaves no old lists', async () => {
    const root = tempRoot();
    write(path.join(root, 'b', '政法委', '保险.xlsx'), tableXlsx(insurance));
    write(path.join(root, 'b', '公安局', '警务.xlsx'), tableXlsx(police('社区警务室建设', (t) => void (t.total = 90))));
    expect((await runAudit(['b', '--out', 'b/old-run'], root)).code).toBe(1);
    expect(walk(path.join(root, 'b', 'old-run', 'corrections')).length).toBeGreaterThan(0);
    // another --out: b/old-run is somebody's earlier output, not submissions
    const again = await runAudit(['b', '--out', 'new'], root);
    expect(readFindings(path.join(root, 'new')).inputs.map((i) => i.file)).toEqual(['公安局/警务.xlsx', '政法委/保险.xlsx']);
    expect(again.code).toBe(1);
    // the same --out with only the clean folder: the 公安局 list of the first run is gone
    expect((await runAudit(['b/政法委', '--out', 'new'], root)).code).toBe(0);
    expect(walk(path.join(root, 'new', 'corrections')).some((f) => f.includes('公安局'))).toBe(false);
    expect(walk(path.join(root, 'new', 'annotated'))).toEqual(['保险.xlsx']);
  });

  it('a table without a 主管部门 goes to 未知部门 when its folder’s tables name none, and a department named .. does not take 未知部门’s list', async () => {
    const root = tempRoot();
    write(path.join(root, 'b', '公安局', '无部门.xlsx'), tableXlsx(police('社区警务室建设', (t) => void (t.department = ''))));
    write(path.join(root, 'b', '点点.xlsx'), tableXlsx(police('反诈宣传经费', (t) => void (t.department = '..'))));
    write(path.join(root, 'b', '空.xlsx'), '');
    const r = await runAudit(['b', '--out', 'out'], root);
    expect(r.code).toBe(1);
    const doc = readFindings(path.join(root, 'out'));
    expect(doc.findings.find((f) => f.file === '公安局/无部门.xlsx' && f.rule === 'form.required')?.department).toBeNull();
    // 空.xlsx beside 点点.xlsx takes its department, `..`, whose list is 部门 (its name made safe), not 未知部门
    expect(doc.findings.find((f) => f.file === '空.xlsx')?.department).toBe('..');
    expect(walk(path.join(root, 'out', 'corrections'))).toEqual(['未知部门.csv', '未知部门.xlsx', '部门.csv', '部门.xlsx']);
  });
});
