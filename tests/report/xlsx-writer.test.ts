import fs from 'node:fs';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { ZipArchive } from '../../src/ooxml/index.js';
import { readBuffer } from '../../src/read/index.js';
import { ensureDir, reportSheet, xlsxBuffer } from '../../src/report/index.js';
import { tmpDir } from './helpers.js';

/** The writer's output read back by SheetJS and by our own reader: both must see every value as written. */
describe('xlsxBuffer', () => {
  const awkward = ['  前后有空格  ', '两行\n文字', '_x0041_ 不是 A', 'A\u0001B', '<&>"\'', '=1+1', ''];

  it('writes text, numbers, booleans and number formats that read back exactly', () => {
    const buf = xlsxBuffer([
      {
        name: '数据',
        rows: [
          awkward,
          [6.695, 0.30000000000000004, -12.5, 1e21, true, false],
          [{ v: 0.9564, fmt: '0.00%' }, { v: 1203.66, fmt: '#,##0.00' }, { v: 7, fmt: '0.000_ ' }],
        ],
      },
    ]);
    const ws = XLSX.read(buf, { cellNF: true }).Sheets['数据']!;
    awkward.forEach((text, c) => {
      const cell = ws[XLSX.utils.encode_cell({ r: 0, c })];
      if (text === '') expect(cell).toBeUndefined();
      else expect(cell).toMatchObject({ t: 's', v: text });
    });
    expect(ws['A1']?.f).toBeUndefined();
    expect([ws['A2']?.v, ws['B2']?.v, ws['C2']?.v, ws['D2']?.v, ws['E2']?.v, ws['F2']?.v]).toEqual([6.695, 0.30000000000000004, -12.5, 1e21, true, false]);
    expect([ws['A3']?.w, ws['B3']?.w, ws['C3']?.w]).toEqual(['95.64%', '1,203.66', '7.000 ']);
    // and our own reader, which the annotated copies are read with again
    const grid = readBuffer(buf, 'x.xlsx').sheets[0]!;
    expect(grid.at(0, 2)?.text).toBe('_x0041_ 不是 A');
    expect(grid.at(2, 0)?.text).toBe('95.64%');
  });

  it('keeps merges, widths and notes, several sheets in order', () => {
    const buf = xlsxBuffer([
      { name: '表1', rows: [['项目名称', '雪亮工程']], merges: [{ s: { r: 0, c: 1 }, e: { r: 0, c: 3 } }], widths: [12, undefined, 30], notes: [{ r: 0, c: 1, text: '[错误] 第一条\n第二条' }, { r: 9, c: 5, text: '空单元格上的批注' }] },
      { name: '表2', rows: [['说明']], notes: [{ r: 0, c: 0, text: '另一张表' }] },
    ]);
    const wb = XLSX.read(buf, { cellStyles: true });
    expect(wb.SheetNames).toEqual(['表1', '表2']);
    const ws = wb.Sheets['表1']!;
    expect(ws['!merges']).toEqual([{ s: { r: 0, c: 1 }, e: { r: 0, c: 3 } }]);
    expect(ws['!cols']?.[0]?.width).toBe(12);
    expect(ws['!cols']?.[2]?.width).toBe(30);
    expect(ws['B1']?.c?.[0]).toMatchObject({ t: '[错误] 第一条\n第二条' });
    // (SheetJS 0.20.3 reads comment authors without decoding their UTF-8)
    expect(Buffer.from(ws['B1']?.c?.[0]?.a ?? '', 'latin1').toString('utf8')).toBe('绩效自评审核');
    expect(ws['F10']?.c?.[0]?.t).toBe('空单元格上的批注');
    expect(wb.Sheets['表2']?.['A1']?.c?.[0]?.t).toBe('另一张表');
  });

  it('gives report sheets a frozen, filtered, bold header and the same bytes every time', () => {
    const rows = [['序号', '问题说明'], [1, '执行率应为 95.64%（6.695 ÷ 7 × 100），表中为 96.54%'.repeat(3)]];
    const buf = xlsxBuffer([reportSheet('整改清单', rows)]);
    expect(xlsxBuffer([reportSheet('整改清单', rows)]).equals(buf)).toBe(true);
    const zip = new ZipArchive(buf);
    const sheet = zip.text('xl/worksheets/sheet1.xml')!;
    expect(sheet).toContain('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>');
    expect(sheet).toContain('<autoFilter ref="A1:B2"/>');
    // the header's style is the bold one; the long message wraps
    expect(sheet).toMatch(/<c r="A1" s="1" t="s">/);
    expect(sheet).toMatch(/<c r="B2" s="2" t="s">/);
    const styles = zip.text('xl/styles.xml')!;
    expect(styles).toMatch(/<cellXfs count="4"><xf[^>]*\/><xf numFmtId="0" fontId="1"/);
    expect(styles).toMatch(/<fonts count="2"><font>(?!<b\/>).*?<\/font><font><b\/>/);
    expect(zip.text('xl/workbook.xml')).toContain('_xlnm._FilterDatabase');
  });
});

describe('ensureDir', () => {
  it('makes nested folders, accepts existing ones and refuses a file in the way', () => {
    const root = tmpDir();
    ensureDir(path.join(root, 'a', 'b', 'c'));
    ensureDir(path.join(root, 'a', 'b', 'c'));
    expect(fs.statSync(path.join(root, 'a', 'b', 'c')).isDirectory()).toBe(true);
    fs.writeFileSync(path.join(root, 'f'), '');
    expect(() => ensureDir(path.join(root, 'f', 'x'))).toThrow();
  });

  it.runIf(process.platform === 'linux')('fails at once where recursive mkdir would spin (/proc)', () => {
    expect(() => ensureDir('/proc/perf-recon-no/such')).toThrow(/ENOENT/);
  });
});
