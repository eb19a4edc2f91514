import fs from 'node:fs';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { annotatedPath, annotateWorkbook } from '../../src/report/index.js';
import { ZipArchive, writeZip } from '../../src/ooxml/index.js';
import { finding, tmpDir, TITLES } from './helpers.js';

function sourceWorkbook(bookType: XLSX.BookType): Buffer {
  const ws = XLSX.utils.aoa_to_sheet([
    ['项目名称', '网格员意外伤害保险'],
    ['全年预算数', 7],
    ['全年执行数', 6.695],
    ['执行率', '96.54%'],
  ]);
  ws['!merges'] = [{ s: { r: 0, c: 1 }, e: { r: 0, c: 3 } }];
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, '网格员');
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['说明']]), '说明');
  return XLSX.write(wb, { type: 'buffer', bookType }) as Buffer;
}

function commentText(ws: XLSX.WorkSheet | undefined, addr: string): string {
  const c = ws?.[addr]?.c;
  expect(c).toHaveLength(1);
  return c?.[0]?.t ?? '';
}

describe('annotateWorkbook', () => {
  const rate = finding({ sheet: '网格员', cell: 'B4', message: '执行率应为 95.64%（6.695 ÷ 7），表中为 96.54%' });
  const rateScore = finding({ sheet: '网格员', cell: 'B4', rule: 'score.total', severity: 'warning', message: '第二条' });
  const missing = finding({ sheet: '网格员', cell: 'F20', rule: 'form.required', message: '缺少总分' });
  const noCell = finding({ sheet: '网格员', cell: null, rule: 'form.required', message: '=缺少项目单位' });
  const noSheet = finding({ sheet: null, cell: null, rule: 'file.unrecognized', message: '没有工作表匹配任何映射' });
  const ghostSheet = finding({ sheet: '不存在', cell: 'A1', rule: 'fund.sum', message: '幽灵' });

  it.each(['xlsx', 'biff8'] as const)('comments existing and missing cells of a %s source', (bookType) => {
    const out = path.join(tmpDir(), 'annotated', 'deep', 'a.xlsx');
    annotateWorkbook(sourceWorkbook(bookType), out, [missing, rate, rateScore, noCell, noSheet, ghostSheet], TITLES);
    expect(fs.existsSync(out)).toBe(true);
    const wb = XLSX.read(fs.readFileSync(out));
    expect(wb.SheetNames).toEqual(['网格员', '说明', '审核意见']);
    const ws = wb.Sheets['网格员'];
    // the original values survive
    expect(ws?.['B3']?.v).toBe(6.695);
    expect(ws?.['B4']?.v).toBe('96.54%');
    expect(ws?.['!merges']).toEqual([{ s: { r: 0, c: 1 }, e: { r: 0, c: 3 } }]);
    // two findings on one cell: one comment, one line each, in sorted order
    expect(commentText(ws, 'B4')).toBe(
      '[错误（须整改）] 执行率计算：执行率应为 95.64%（6.695 ÷ 7），表中为 96.54%\n[警告（须说明）] 总分合计：第二条',
    );
    // (SheetJS 0.20.3 reads comment authors without decoding their UTF-8)
    expect(Buffer.from(ws?.['B4']?.c?.[0]?.a ?? '', 'latin1').toString('utf8')).toBe('绩效自评审核');
    // a cell that did not exist gets a stub carrying the comment
    expect(commentText(ws, 'F20')).toContain('缺少总分');
    expect(ws?.['F20']?.v).toBeUndefined();
    expect(ws?.['B3']?.c).toBeUndefined();
    // nothing lost: the rest goes to 审核意见
    const opinions = XLSX.utils.sheet_to_json<string[]>(wb.Sheets['审核意见'] as XLSX.WorkSheet, { header: 1 });
    expect(opinions).toEqual([
      ['问题类型', '问题说明'],
      ['文件无法识别', '没有工作表匹配任何映射'],
      ['资金合计', '工作表 不存在 单元格 A1：幽灵'],
      ['必填项缺失', '工作表 网格员：=缺少项目单位'],
    ]);
  });

  it.each(['xlsx', 'biff8'] as const)('fills each commented cell by its most severe finding (%s source): red for 错误, amber for 警告', (bookType) => {
    const out = path.join(tmpDir(), 'x.xlsx');
    const warning = finding({ sheet: '网格员', cell: 'B3', rule: 'score.total', severity: 'warning', message: '警告' });
    annotateWorkbook(sourceWorkbook(bookType), out, [rate, rateScore, warning, missing], TITLES);
    const ws = XLSX.read(fs.readFileSync(out), { cellStyles: true }).Sheets['网格员'];
    const fill = (a: string) => (ws?.[a]?.s as { fgColor?: { rgb?: string } } | undefined)?.fgColor?.rgb;
    expect([fill('B4'), fill('B3'), fill('F20')]).toEqual(['FFC7CE', 'FFEB9C', 'FFC7CE']);
    // the value and its number format stay
    expect(ws?.['B3']?.v).toBe(6.695);
    expect(fill('A1')).toBeUndefined();
  });

  it('leaves out of the copy the package entries no part can be named (../, absolute, backslash, bidi override)', () => {
    const src = new ZipArchive(sourceWorkbook('xlsx'));
    const hostile = ['../../evil.txt', '/abs.xml', 'xl\\back.xml', 'xl/\u202Egpj.exe', 'xl/./dot.xml', 'customXml/ok.xml'];
    const pkg = writeZip([...[...src.entries.values()].map((e) => ({ name: e.name, from: src, entry: e })), ...hostile.map((name) => ({ name, data: Buffer.from('x') }))]);
    const out = path.join(tmpDir(), 'hostile.xlsx');
    annotateWorkbook(pkg, out, [rate], TITLES);
    const names = [...new ZipArchive(fs.readFileSync(out)).entries.keys()];
    expect(names).toContain('customXml/ok.xml');
    for (const bad of hostile.slice(0, 5)) expect(names).not.toContain(bad);
    expect(commentText(XLSX.read(fs.readFileSync(out)).Sheets['网格员'], 'B4')).toContain('执行率应为');
  });

  it.each([
    ['100,000 unclosed <row', (x: string) => x.replace('<sheetData>', `<sheetData>${'<row '.repeat(100_000)}`)],
    ['100,000 unclosed <!--', (x: string) => x.replace('</worksheet>', `${'<!--'.repeat(100_000)}</worksheet>`)],
    ['100,000 unclosed quotes', (x: string) => x.replace('<sheetData>', `${'<mergeCell ref="'.repeat(100_000)}<sheetData>`)],
  ])('a sheet part with %s is copied from its grid, not edited in place (where the patterns would take minutes)', (_what, edit) => {
    const src = new ZipArchive(sourceWorkbook('xlsx'));
    const sheet = [...src.entries.keys()].find((n) => /sheet1\.xml$/.test(n))!;
    const pkg = writeZip([...src.entries.values()].map((e) => (e.name === sheet ? { name: e.name, data: Buffer.from(edit(src.text(e.name)!)) } : { name: e.name, from: src, entry: e })));
    const out = path.join(tmpDir(), 'unclosed.xlsx');
    annotateWorkbook(pkg, out, [rate], TITLES);
    expect(commentText(XLSX.read(fs.readFileSync(out)).Sheets['网格员'], 'B4')).toContain('执行率应为');
  });

  it('neutralizes text in the 审核意见 sheet', () => {
    const out = path.join(tmpDir(), 'x.xlsx');
    annotateWorkbook(sourceWorkbook('xlsx'), out, [finding({ sheet: null, cell: null, message: '@SUM(A1)' })], TITLES);
    const ws = XLSX.read(fs.readFileSync(out)).Sheets['审核意见'];
    expect(ws?.['B2']).toMatchObject({ t: 's', v: `'@SUM(A1)` });
  });

  it('adds no 审核意见 sheet when every finding has a cell', () => {
    const out = path.join(tmpDir(), 'x.xlsx');
    annotateWorkbook(sourceWorkbook('xlsx'), out, [rate], TITLES);
    expect(XLSX.read(fs.readFileSync(out)).SheetNames).toEqual(['网格员', '说明']);
  });

  it('keeps an existing comment below the new one', () => {
    const wb = XLSX.read(sourceWorkbook('xlsx'));
    const ws = wb.Sheets['网格员'] as XLSX.WorkSheet;
    (ws['B2'] as XLSX.CellObject).c = [{ a: '填报人', t: '已核对' }];
    const src = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
    const out = path.join(tmpDir(), 'x.xlsx');
    annotateWorkbook(src, out, [finding({ cell: 'B2', message: '预算数有误' })], TITLES);
    const text = commentText(XLSX.read(fs.readFileSync(out)).Sheets['网格员'], 'B2');
    expect(text).toBe('[错误（须整改）] 执行率计算：预算数有误\n（原批注 填报人）已核对');
  });

  it('reads a GB18030 CSV and names its sheet after the findings', () => {
    // "中文,执行率\r\n=1+1,96.54%\r\n" in GB18030
    const gb = Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0x2c, 0xd6, 0xb4, 0xd0, 0xd0, 0xc2, 0xca, 0x0d, 0x0a]);
    const src = Buffer.concat([gb, Buffer.from('=1+1,96.54%\r\n', 'ascii')]);
    const out = path.join(tmpDir(), 'c.xlsx');
    annotateWorkbook(src, out, [finding({ sheet: 'ledger', cell: 'B2', message: '执行率不符' })], TITLES);
    const wb = XLSX.read(fs.readFileSync(out));
    expect(wb.SheetNames).toEqual(['ledger']);
    const ws = wb.Sheets['ledger'];
    expect(ws?.['A1']?.v).toBe('中文');
    expect(ws?.['B1']?.v).toBe('执行率');
    expect(ws?.['A2']).toMatchObject({ t: 's', v: '=1+1' });
    expect(ws?.['A2']?.f).toBeUndefined();
    expect(commentText(ws, 'B2')).toContain('执行率不符');
  });

  it('ignores a declared dimension much larger than the real cells', () => {
    const wb = XLSX.read(sourceWorkbook('xlsx'));
    // (a real lie like A1:XFD1048576 cannot be produced with SheetJS's writer, which walks the whole range)
    (wb.Sheets['网格员'] as XLSX.WorkSheet)['!ref'] = 'A1:Z20000';
    const src = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
    const out = path.join(tmpDir(), 'x.xlsx');
    annotateWorkbook(src, out, [rate], TITLES);
    expect(XLSX.read(fs.readFileSync(out)).Sheets['网格员']?.['!ref']).toBe('A1:D4');
  });
});

describe('annotatedPath', () => {
  it('writes an .xlsx beside the folder structure, keeping a non-xlsx extension in the name', () => {
    const out = tmpDir();
    expect(annotatedPath(out, '政法委/2022/自评表.xls')).toBe(path.join(out, 'annotated', '政法委', '2022', '自评表.xls.xlsx'));
    expect(annotatedPath(out, 'a.csv')).toBe(path.join(out, 'annotated', 'a.csv.xlsx'));
    expect(annotatedPath(out, 'b\\c.xlsx')).toBe(path.join(out, 'annotated', 'b', 'c.xlsx'));
  });
  it('never leaves outDir/annotated', () => {
    const out = tmpDir();
    for (const rel of ['../../etc/passwd', '/abs/x.xlsx', '..\\..\\x.xls', 'a/../../b.csv', 'C:\\x\\y.xls', '..']) {
      const p = annotatedPath(out, rel);
      const r = path.relative(path.join(out, 'annotated'), p);
      expect(r.startsWith('..') || path.isAbsolute(r) || r === '').toBe(false);
      expect(p.endsWith('.xlsx')).toBe(true);
    }
    expect(annotatedPath(out, '../../etc/passwd')).toBe(path.join(out, 'annotated', '_', '_', 'etc', 'passwd.xlsx'));
  });
});
