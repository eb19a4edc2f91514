import * as XLSX from 'xlsx';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ZipArchive, writeZip } from '../../src/ooxml/index.js';
import { ReadError, defaultReadLimits, readBuffer } from '../../src/read/index.js';
import { here, load } from '../helpers/workbooks.js';

type CfbApi = {
  utils: { cfb_new(): unknown; cfb_add(c: unknown, p: string, b: Buffer): void };
  write(c: unknown, o: object): Uint8Array;
  read(b: Buffer, o: object): { FullPaths: string[]; FileIndex: { content: Uint8Array }[] };
};
const CFB = (XLSX as unknown as { CFB: CfbApi }).CFB;

function encryptedWorkbook(): Buffer {
  const cfb = CFB.utils.cfb_new();
  CFB.utils.cfb_add(cfb, '/EncryptionInfo', Buffer.from([4, 0, 4, 0, 0x40, 0, 0, 0]));
  CFB.utils.cfb_add(cfb, '/EncryptedPackage', Buffer.alloc(64, 7));
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }));
}

/** A 2×2 workbook whose sheet declares the whole grid A1:XFD1048576 as its dimension. */
function lyingDimension(): Buffer {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([['项目名称', 'x'], [1, 2]]), 'x');
  const zip = CFB.read(XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer, { type: 'buffer' });
  const i = zip.FullPaths.findIndex((p) => p.endsWith('sheet1.xml'));
  const xml = Buffer.from(zip.FileIndex[i]!.content).toString('utf8');
  zip.FileIndex[i]!.content = Buffer.from(xml.replace(/<dimension ref="[^"]*"\/>/, '<dimension ref="A1:XFD1048576"/>'));
  return Buffer.from(CFB.write(zip, { fileType: 'zip', type: 'buffer' }));
}

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof ReadError ? e.code : `not a ReadError: ${String(e)}`;
  }
  return 'no error';
};

describe('bad input is reported with a reason, never thrown raw', () => {
  const sample = readFileSync(path.join(here, '../../samples/政法委/网格员意外伤害保险.xlsx'));

  it('empty file', () => expect(code(() => readBuffer(Buffer.alloc(0), 'a.xlsx'))).toBe('empty'));
  it('password-protected workbook', () => expect(code(() => readBuffer(encryptedWorkbook(), 'a.xlsx'))).toBe('encrypted'));
  it('truncated workbook', () => expect(code(() => readBuffer(sample.subarray(0, 3000), 'a.xlsx'))).toBe('corrupt'));
  it('damaged ZIP is corrupt, not encrypted', () => expect(code(() => readBuffer(Buffer.from('PK\x03\x04garbage'), 'a.xlsx'))).toBe('corrupt'));
  it('text renamed to .xlsx', () => expect(code(() => readBuffer(Buffer.from('hello world'), 'a.xlsx'))).toBe('corrupt'));
  it('too large', () =>
    expect(code(() => readBuffer(sample, 'a.xlsx', { ...defaultReadLimits, maxBytes: 1000 }))).toBe('too-large'));

  it('a ZIP bomb (a small package whose sheet inflates past the cap) is too large, not parsed', () => {
    const zip = new ZipArchive(sample);
    const rows = '<row><c><v>1</v></c></row>'.repeat(200_000); // 5 MB of XML in a few KB
    const parts = [...zip.entries.values()].map((e) =>
      e.name === 'xl/worksheets/sheet1.xml'
        ? { name: e.name, data: Buffer.from(zip.text(e.name)!.replace(/<sheetData>[\s\S]*<\/sheetData>|<sheetData\/>/, `<sheetData>${rows}</sheetData>`)) }
        : { name: e.name, from: zip, entry: e },
    );
    const bomb = writeZip(parts);
    expect(bomb.length).toBeLessThan(100_000);
    expect(code(() => readBuffer(bomb, 'a.xlsx', { ...defaultReadLimits, maxInflatedBytes: 1024 * 1024 }))).toBe('too-large');
    // under the default cap the same package is an ordinary (if odd) workbook
    expect(code(() => readBuffer(bomb, 'a.xlsx'))).toBe('no error');
  });

  it('a lying dimension is ignored: the grid is the real extent', () => {
    const sheet = readBuffer(lyingDimension(), 'a.xlsx').sheets[0]!;
    expect([sheet.rowCount, sheet.colCount]).toEqual([2, 2]);
  });

  it('loadTables turns every failure into an outcome with a status', () => {
    const res = load(encryptedWorkbook(), 'secret.xlsx');
    expect(res).toMatchObject({ status: 'unreadable', tables: [], failure: { code: 'encrypted' } });
    expect(res.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
