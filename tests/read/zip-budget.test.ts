import { describe, expect, it } from 'vitest';
import { writeZip } from '../../src/ooxml/index.js';
import { ReadError, checkInflatedSize, defaultReadLimits, readBuffer } from '../../src/read/index.js';
import { duplicateEntryBomb } from '../fixtures/hostile.js';

const MB = 1024 * 1024;

const failure = (f: () => void) => {
  try {
    f();
  } catch (e) {
    return e instanceof ReadError ? `${e.code}: ${e.detail}` : `not a ReadError: ${String(e)}`;
  }
  return 'no error';
};

describe('checkInflatedSize', () => {
  it('lets an honest package through', () => {
    const zip = writeZip([{ name: 'a.xml', data: Buffer.alloc(100_000, 'a') }, { name: 'b.xml', data: Buffer.from('b') }]);
    expect(failure(() => checkInflatedSize(zip, MB, MB))).toBe('no error');
  });

  it('stops a part whose declared size is over the cap before inflating anything', () => {
    expect(failure(() => checkInflatedSize(duplicateEntryBomb(3 * MB), MB, 10 * MB))).toBe('too-large: 解压后超过 1.0 MB');
  });

  it('stops a part that lies about its size, at the inflater’s own cap', () => {
    expect(failure(() => checkInflatedSize(duplicateEntryBomb(3 * MB, { declared: 10 }), MB, 10 * MB))).toBe('too-large: 解压后超过 1.0 MB');
  });

  it('counts all parts together, duplicates included', () => {
    const parts = Array.from({ length: 8 }, (_, i) => ({ name: `p${i}.xml`, data: Buffer.alloc(200_000, 'x') }));
    expect(failure(() => checkInflatedSize(writeZip(parts), MB, MB))).toBe('too-large: 解压后超过 1.0 MB');
  });

  it('is corrupt, not handed on, when the package cannot even be listed', () => {
    expect(failure(() => checkInflatedSize(Buffer.from('PK\x03\x04 not a zip at all, and no directory'), MB, MB))).toMatch(/^corrupt: /);
  });
});

describe('readBuffer on a package the fast reader declines', () => {
  it('measures it before SheetJS gets it: 300 MB of zeros declared as 1 KB is too large under a 64 MB cap', () => {
    const bomb = duplicateEntryBomb(300 * MB, { declared: 1024 });
    expect(bomb.length).toBeLessThan(400_000);
    expect(failure(() => readBuffer(bomb, 'a.xlsx', { ...defaultReadLimits, maxInflatedBytes: 64 * MB }))).toBe('too-large: 解压后超过 64.0 MB');
  });

  it('reads the same package with its zeros left out as a workbook, through SheetJS', () => {
    const ok = duplicateEntryBomb(1000, { declared: 1000 });
    expect(readBuffer(ok, 'a.xlsx').sheets.length).toBeGreaterThan(0);
  });
});
