/**
 * Issue 18: the 整改 loop through `runAudit` — an audit, then a resubmission that fixes some findings, renames a file,
 * moves a table down, adds a new error and drops one file, audited with `previous` set to the first audit's output.
 * Asserted finding by finding; a finding's identity survives the renamed file and the shifted table.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit/index.js';
import { POLICE, ZFW, csvRows, readFindings, removeTempRoots, sheetRows, tempRoot, write } from '../cli/helpers.js';
import { EDU, SECOND_ROUND, roundOne, roundTwo } from '../fixtures/resubmission.js';

afterAll(removeTempRoots);

let root: string;
let first: ReturnType<typeof readFindings>;
let second: ReturnType<typeof readFindings>;
let secondCode: number;

beforeAll(async () => {
  root = tempRoot();
  const r1 = roundOne();
  for (const f of r1) write(path.join(root, 'r1', f.path), f.data);
  await runAudit({ inputs: ['r1'], outDir: 'out1', cwd: root, jobs: 2 });
  first = readFindings(path.join(root, 'out1'));
  // fixed a total (its file renamed), moved a table down, a new error, one file not resubmitted, one sent again
  for (const f of roundTwo(r1)) write(path.join(root, 'r2', f.path), f.data);
  secondCode = (await runAudit({ inputs: ['r2'], outDir: 'out2', cwd: root, jobs: 2, previous: 'out1' })).exitCode;
  second = readFindings(path.join(root, 'out2'));
}, 120_000);

const errorsAndWarnings = (doc: typeof first) => doc.findings.filter((f) => f.severity !== 'info');
const row = (f: (typeof first)['findings'][number]) => `${f.rule} ${f.file} ${f.cell ?? '-'} ${f.change ?? ''}${f.resubmitted === false ? ' 未重新报送' : ''}`;

describe('the first audit', () => {
  it('finds what each table holds, each with its key and no change', () => {
    expect(errorsAndWarnings(first).map(row).sort()).toEqual(
      [
        'fund.sum 公安局/社区警务室建设.xlsx C10 ',
        'fund.sum 公安局/社区警务室建设.xlsx D10 ',
        'fund.sum 公安局/社区警务室建设.xlsx E10 ',
        'score.grade 公安局/执法记录仪购置.xlsx J20 ',
        'indicator.reason-missing 公安局/反诈宣传经费.xlsx J18 ',
        'score.total 公安局/反诈宣传经费.xlsx I20 ',
        'score.total 教育局/学生资助.xlsx I20 ',
      ].sort(),
    );
    expect(first.findings.every((f) => f.key.length > 0 && f.change === undefined)).toBe(true);
  });
});

describe('the resubmission, against the first audit', () => {
  it('marks each finding new or still open — across a renamed file and a table moved two rows down', () => {
    expect(errorsAndWarnings(second).map(row).sort()).toEqual(SECOND_ROUND);
  });

  it('lists what was fixed, with the earlier file, sheet and cell', () => {
    expect(second.resolved?.map((f) => `${f.rule} ${f.file} ${f.cell}`)).toEqual(['score.total 公安局/反诈宣传经费.xlsx I20']);
  });

  it('keeps a finding’s identity across the renamed file and the shifted table (the keys are the same)', () => {
    const keys = (doc: typeof first, rule: string) => doc.findings.filter((f) => f.rule === rule).map((f) => f.key).sort();
    expect(keys(second, 'fund.sum')).toEqual(keys(first, 'fund.sum'));
    expect(keys(second, 'indicator.reason-missing')).toEqual(keys(first, 'indicator.reason-missing'));
  });

  it('says per department how far it has corrected, and who resubmitted nothing', () => {
    const p = Object.fromEntries((second.progress ?? []).map((x) => [x.department, x]));
    // (open counts the notes too: two 达到目标仍扣分 in each police table)
    expect(p[POLICE]).toMatchObject({ earlier: { errors: 5, warnings: 1, infos: 6 }, fixed: 1, open: 11, new: 0, resubmitted: true, fixedErrorShare: 20 });
    expect(p[ZFW]).toMatchObject({ earlier: { errors: 0, warnings: 0 }, fixed: 0, new: 1, resubmitted: true, fixedErrorShare: null });
    expect(p[EDU]).toMatchObject({ earlier: { errors: 1 }, fixed: 0, open: 3, new: 0, resubmitted: false, fixedErrorShare: 0 });
    expect(second.previous).toMatchObject({ files: 5, errors: 6 });
    // the not-resubmitted table's error still counts: the run is not clean
    expect(secondCode).toBe(1);
  });

  it('gives each list a 整改情况 column and a sheet 已整改', () => {
    const list = path.join(root, 'out2', 'corrections', `${POLICE}.xlsx`);
    const rows = sheetRows(list).map((r) => r.map(String));
    const header = rows.findIndex((r) => r[0] === '序号');
    expect(rows[header]!.at(-1)).toBe('整改情况');
    const status = Object.fromEntries(rows.slice(header + 1).filter((r) => r[7] !== '提示').map((r) => [`${r[6]} ${r[3]}`, r.at(-1)]));
    expect(status).toEqual({
      '资金合计不符 C12': '仍未整改',
      '资金合计不符 D12': '仍未整改',
      '资金合计不符 E12': '仍未整改',
      '等级与总分不符 J20': '仍未整改（本表未重新报送）',
      '扣分未说明原因 J18': '仍未整改',
    });
    expect(rows.find((r) => r[0] === '整改情况')?.[1]).toBe('上次审核：错误 5 个，警告 1 个，提示 6 个；本次：已整改 1 个，仍未整改 11 个，新增 0 个');
    const fixed = sheetRows(list, '已整改').map((r) => r.map(String));
    expect(fixed[0]).toEqual(['序号', '文件（上次审核）', '工作表', '单元格', '预算单位', '项目', '问题类型', '严重程度', '问题说明（上次审核）']);
    expect(fixed.slice(1).map((r) => [r[1], r[3], r[6]])).toEqual([['公安局/反诈宣传经费.xlsx', 'I20', '总分计算错误']]);
    // the CSV has the same, after the list
    const csv = csvRows(list.replace(/\.xlsx$/, '.csv'));
    expect(csv.some((r) => r[0] === '已整改')).toBe(true);
  });

  it('adds a sheet 整改进度 to summary.xlsx', () => {
    const rows = sheetRows(path.join(root, 'out2', 'summary.xlsx'), '整改进度').map((r) => r.map(String));
    expect(rows[0]).toEqual(['部门', '上次错误', '上次警告', '上次提示', '已整改', '仍未整改', '新增', '上次错误整改率', '是否重新报送']);
    expect(rows.find((r) => r[0] === EDU)?.at(-1)).toBe('未重新报送');
    expect(rows.find((r) => r[0] === POLICE)?.slice(4, 8)).toEqual(['1', '11', '0', '20%']);
  });

  it('refuses, in words and with exit 2, a --previous folder that holds no audit', async () => {
    await expect(runAudit({ inputs: ['r2'], outDir: 'out3', cwd: root, previous: 'r1' })).rejects.toThrow(/上一轮审核结果无法读取/);
  });
});
