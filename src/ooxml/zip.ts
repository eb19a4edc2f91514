/**
 * A minimal ZIP reader and writer for OOXML packages, on Node's native zlib: the reader finds parts through the
 * central directory and inflates only the ones asked for; the writer copies untouched parts byte for byte (no
 * recompression) and deflates new ones. Anything unusual (ZIP64, encryption, split archives, other compression
 * methods) throws ZipUnsupported, and callers fall back to SheetJS.
 */
import zlib from 'node:zlib';

export class ZipUnsupported extends Error {}

/** A part inflates beyond the limit the archive was opened with: a ZIP bomb, not a workbook to fall back on. */
export class ZipTooLarge extends Error {}

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Offset of the local file header. */
  localOffset: number;
  dosTime: number;
  dosDate: number;
}

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;

export class ZipArchive {
  /** By exact name, in central-directory order. */
  readonly entries = new Map<string, ZipEntry>();

  constructor(
    readonly buf: Buffer,
    /** Largest uncompressed part data() will produce. */
    private readonly maxInflated = Number.POSITIVE_INFINITY,
  ) {
    const n = buf.length;
    if (n < 22) throw new ZipUnsupported('too short for a ZIP');
    let eocd = -1;
    for (let i = n - 22, stop = Math.max(0, n - 22 - 65535); i >= stop; i--) {
      if (buf[i] === 0x50 && buf[i + 1] === 0x4b && buf[i + 2] === 0x05 && buf[i + 3] === 0x06) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0 || buf.readUInt32LE(eocd) !== EOCD) throw new ZipUnsupported('no end of central directory');
    const disk = buf.readUInt16LE(eocd + 4);
    const cdDisk = buf.readUInt16LE(eocd + 6);
    const count = buf.readUInt16LE(eocd + 10);
    const cdSize = buf.readUInt32LE(eocd + 12);
    const cdOffset = buf.readUInt32LE(eocd + 16);
    if (disk !== 0 || cdDisk !== 0) throw new ZipUnsupported('split archive');
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new ZipUnsupported('ZIP64');
    if (cdOffset + cdSize > eocd) throw new ZipUnsupported('central directory out of range');
    let p = cdOffset;
    for (let k = 0; k < count; k++) {
      if (p + 46 > eocd || buf.readUInt32LE(p) !== CEN) throw new ZipUnsupported('bad central directory entry');
      const flags = buf.readUInt16LE(p + 8);
      const method = buf.readUInt16LE(p + 10);
      const nameLen = buf.readUInt16LE(p + 28);
      const extraLen = buf.readUInt16LE(p + 30);
      const commentLen = buf.readUInt16LE(p + 32);
      const e: ZipEntry = {
        name: buf.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLen),
        method,
        flags,
        crc32: buf.readUInt32LE(p + 16),
        compressedSize: buf.readUInt32LE(p + 20),
        size: buf.readUInt32LE(p + 24),
        localOffset: buf.readUInt32LE(p + 42),
        dosTime: buf.readUInt16LE(p + 12),
        dosDate: buf.readUInt16LE(p + 14),
      };
      if (flags & 0x1) throw new ZipUnsupported('encrypted entry');
      if (method !== 0 && method !== 8) throw new ZipUnsupported(`compression method ${method}`);
      if (e.compressedSize === 0xffffffff || e.size === 0xffffffff || e.localOffset === 0xffffffff) throw new ZipUnsupported('ZIP64 entry');
      if (this.entries.has(e.name)) throw new ZipUnsupported(`duplicate entry ${e.name}`);
      this.entries.set(e.name, e);
      p += 46 + nameLen + extraLen + commentLen;
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The stored (still compressed) bytes of an entry. */
  raw(e: ZipEntry): Buffer {
    const l = e.localOffset;
    if (l + 30 > this.buf.length || this.buf.readUInt32LE(l) !== LOC) throw new ZipUnsupported(`bad local header for ${e.name}`);
    const start = l + 30 + this.buf.readUInt16LE(l + 26) + this.buf.readUInt16LE(l + 28);
    const end = start + e.compressedSize;
    if (end > this.buf.length) throw new ZipUnsupported(`truncated entry ${e.name}`);
    return this.buf.subarray(start, end);
  }

  /** The uncompressed bytes of a part, or null when the archive has no such part. */
  data(name: string): Buffer | null {
    const e = this.entries.get(name);
    if (!e) return null;
    if (e.size > this.maxInflated) throw new ZipTooLarge(`${name} declares ${e.size} bytes`);
    const raw = this.raw(e);
    if (e.method === 0) return raw;
    try {
      // The declared size can lie; the inflater's own cap cannot.
      return Number.isFinite(this.maxInflated) ? zlib.inflateRawSync(raw, { maxOutputLength: this.maxInflated }) : zlib.inflateRawSync(raw);
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new ZipTooLarge(`${name} inflates beyond ${this.maxInflated} bytes`);
      throw new ZipUnsupported(`cannot inflate ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  text(name: string): string | null {
    const d = this.data(name);
    return d === null ? null : d.toString('utf8');
  }
}

/** A part of the archive being written: new content, or an entry copied from a source archive as stored. */
export type ZipOut = { name: string; data: Buffer } | { name: string; from: ZipArchive; entry: ZipEntry };

/** 1980-01-01 00:00, so that new parts are written the same way every time. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

/**
 * Writes a ZIP: copied entries keep their compressed bytes, CRC and date; new ones are deflated (at `level`, 6 by
 * default) unless that does not make them smaller.
 */
export function writeZip(parts: ZipOut[], level = 6): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    let method: number;
    let crc: number;
    let size: number;
    let body: Buffer;
    let time = 0;
    let date = DOS_DATE;
    if ('data' in part) {
      size = part.data.length;
      crc = zlib.crc32(part.data) >>> 0;
      const deflated = size > 0 ? zlib.deflateRawSync(part.data, { level }) : part.data;
      if (deflated.length < size) {
        method = 8;
        body = deflated;
      } else {
        method = 0;
        body = part.data;
      }
    } else {
      const e = part.entry;
      method = e.method;
      crc = e.crc32;
      size = e.size;
      body = part.from.raw(e);
      time = e.dosTime;
      date = e.dosDate;
    }
    const { local, cen } = entryHeaders({ method, time, date, crc, stored: body.length, size, nameLength: name.length, offset });
    chunks.push(local, name, body);
    central.push(cen, name);
    offset += 30 + name.length + body.length;
  }
  const cdSize = central.reduce((a, b) => a + b.length, 0);
  return Buffer.concat([...chunks, ...central, endOfCentralDirectory(parts.length, cdSize, offset)]);
}

/**
 * An entry's local header (30 bytes, its name to follow) and central directory record (46 bytes, its name to follow):
 * the same run of fields in both, at offsets 6 and 8; names are UTF-8.
 */
export function entryHeaders(e: { method: number; time: number; date: number; crc: number; stored: number; size: number; nameLength: number; offset: number }): {
  local: Buffer;
  cen: Buffer;
} {
  const fields = (buf: Buffer, at: number) => {
    buf.writeUInt16LE(0x800, at);
    buf.writeUInt16LE(e.method, at + 2);
    buf.writeUInt16LE(e.time, at + 4);
    buf.writeUInt16LE(e.date, at + 6);
    buf.writeUInt32LE(e.crc, at + 8);
    buf.writeUInt32LE(e.stored, at + 12);
    buf.writeUInt32LE(e.size, at + 16);
    buf.writeUInt16LE(e.nameLength, at + 20);
  };
  const local = Buffer.alloc(30);
  local.writeUInt32LE(LOC, 0);
  local.writeUInt16LE(20, 4);
  fields(local, 6);
  const cen = Buffer.alloc(46);
  cen.writeUInt32LE(CEN, 0);
  cen.writeUInt16LE(20, 4);
  cen.writeUInt16LE(20, 6);
  fields(cen, 8);
  cen.writeUInt32LE(e.offset, 42);
  return { local, cen };
}

/** The end of central directory record of `count` entries. */
export function endOfCentralDirectory(count: number, cdSize: number, cdOffset: number): Buffer {
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(cdOffset, 16);
  return end;
}

/**
 * Whether an entry's name can be a part of an OOXML package (OPC part names: relative, `/`-separated, no empty, `.`
 * or `..` segments) and holds nothing that hides or reorders text. A copy of a submission keeps only such entries:
 * a hostile `../../x` or a name with a right-to-left override is no part Excel reads, and no name to pass on.
 */
export function isSafePartName(name: string): boolean {
  if (name.length === 0 || name.length > 1024 || name.startsWith('/') || name.endsWith('/')) return false;
  for (const seg of name.split('/')) if (seg === '' || seg === '.' || seg === '..') return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5c || c === 0x3a || hidesText(c)) return false;
  }
  return true;
}

/**
 * Characters no name should carry: controls, and the invisible ones that reorder or hide text (bidi overrides and
 * isolates, zero-width marks), which make `报告\u202Excod.exe` look like another name than it is. Here, below the
 * package writer and the report stage, so that part names and file names are cleaned of the same ones.
 */
export function hidesText(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0x061c ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x2069) ||
    cp === 0xfeff
  );
}
