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
});
