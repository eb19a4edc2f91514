/**
 * What a ZIP package inflates to, measured before SheetJS is given it. SheetJS inflates every part it lists, all
 * at once and without a cap: a 300 KB package can hold gigabytes of zeros. The fast reader caps the parts it reads
 * itself, but a package it declines (a duplicate entry, a hyperlink) would otherwise reach SheetJS unchecked.
 *
 * The scan is deliberately more tolerant than ooxml/zip.ts (duplicates, ZIP64, unknown methods are counted, not
 * refused): every entry SheetJS might inflate must be measured, including the ones the fast reader would not read.
 */
import zlib from 'node:zlib';
import type { ZipEntry } from '../ooxml/index.js';
import { ReadError, inflatesTooLarge } from './errors.js';

type Listed = Pick<ZipEntry, 'name' | 'method' | 'compressedSize' | 'size' | 'localOffset'>;

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;
const MAX32 = 0xffffffff;

const corrupt = (why: string): never => {
  throw new ReadError('corrupt', why);
};

function findEocd(buf: Buffer): number {
  for (let i = buf.length - 22, stop = Math.max(0, buf.length - 22 - 65535); i >= stop; i--) {
    if (buf.readUInt32LE(i) === EOCD) return i;
  }
  return corrupt('no end of central directory');
}

/** The ZIP64 sizes and offset an entry moves into its extra field when its own fields are 0xFFFFFFFF. */
function zip64Extra(buf: Buffer, from: number, to: number, e: Listed): void {
  for (let p = from; p + 4 <= to; ) {
    const id = buf.readUInt16LE(p);
    const len = buf.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const next = () => {
        if (q + 8 > p + 4 + len) return corrupt('short ZIP64 extra field');
        const v = Number(buf.readBigUInt64LE(q));
        q += 8;
        return v;
      };
      if (e.size === MAX32) e.size = next();
      if (e.compressedSize === MAX32) e.compressedSize = next();
      if (e.localOffset === MAX32) e.localOffset = next();
      return;
    }
    p += 4 + len;
  }
}

/** Every entry of the central directory, duplicates included. */
function listEntries(buf: Buffer): Listed[] {
  if (buf.length < 22) return corrupt('too short for a ZIP');
  const eocd = findEocd(buf);
  let count = buf.readUInt16LE(eocd + 10);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if ((count === 0xffff || cdOffset === MAX32) && eocd >= 20 && buf.readUInt32LE(eocd - 20) === EOCD64_LOCATOR) {
    const at = Number(buf.readBigUInt64LE(eocd - 20 + 8));
    if (at + 56 > buf.length || buf.readUInt32LE(at) !== EOCD64) corrupt('bad ZIP64 end of central directory');
    count = Number(buf.readBigUInt64LE(at + 32));
    cdOffset = Number(buf.readBigUInt64LE(at + 48));
  }
  const out: Listed[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CEN) corrupt('bad central directory entry');
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const e: Listed = {
      name: buf.toString('latin1', p + 46, Math.min(buf.length, p + 46 + Math.min(nameLen, 200))),
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
    };
    zip64Extra(buf, p + 46 + nameLen, Math.min(buf.length, p + 46 + nameLen + extraLen), e);
    out.push(e);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** The stored bytes of an entry, found through its local header; null when they lie outside the file. */
function storedBytes(buf: Buffer, e: Listed): Buffer | null {
  const l = e.localOffset;
  if (l + 30 > buf.length || buf.readUInt32LE(l) !== LOC) return null;
  const start = l + 30 + buf.readUInt16LE(l + 26) + buf.readUInt16LE(l + 28);
  return buf.subarray(start, Math.min(buf.length, start + e.compressedSize));
}

/**
 * Throws ReadError('too-large') when any part would inflate past `maxPart` bytes or all parts together past
 * `maxTotal`, and ReadError('corrupt') when the package cannot even be listed. The declared sizes are checked first
 * (free), then every deflated part is inflated with the remaining budget as the inflater's own cap: a declared size
 * can lie, that cap cannot. Parts are inflated one at a time and dropped, so the check holds at most one part.
 */
export function checkInflatedSize(buf: Buffer, maxPart: number, maxTotal: number): void {
  const entries = listEntries(buf);
  let declared = 0;
  for (const e of entries) {
    if (e.size > maxPart) throw inflatesTooLarge(maxPart);
    declared += e.size;
  }
  if (declared > maxTotal) throw inflatesTooLarge(maxTotal);
  let total = 0;
  for (const e of entries) {
    const raw = storedBytes(buf, e);
    if (!raw) continue; // SheetJS cannot inflate what is not there either
    let size: number;
    if (e.method === 8) {
      const cap = Math.min(maxPart, maxTotal - total);
      try {
        size = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, cap) }).length;
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw inflatesTooLarge(cap === maxPart ? maxPart : maxTotal);
        continue; // a damaged stream: SheetJS will say so in its own words
      }
    } else size = e.method === 0 ? raw.length : e.size;
    total += size;
    if (total > maxTotal) throw inflatesTooLarge(maxTotal);
  }
}
