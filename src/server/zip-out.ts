/**
 * The ZIP downloads of the web service (a department's 整改材料, all the lists), written as they are sent: one file
 * read at a time, deflated off the main thread (libuv's pool) when that makes it smaller — the lists' CSV —, stored
 * as they are otherwise (a workbook is a ZIP already). The server never holds a whole bundle in memory, and a large
 * one does not stop it answering others. Every entry name is made of segments cleaned by `safeFileName`: no
 * name taken from a submission (a department, a file, a folder) reaches a ZIP as it came.
 */
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { endOfCentralDirectory, entryHeaders } from '../ooxml/index.js';
import { safeFileName, safeFileNameWithExt } from '../report/index.js';

const deflateRaw = promisify(zlib.deflateRaw);

export interface ZipSource {
  /** `/`-separated; each segment is cleaned again here. */
  name: string;
  file: string;
}

const LIMIT = 0xfffffff0;
/** Worth deflating: text. The rest (workbooks, themselves ZIPs) is stored. */
const TEXT = /\.(csv|json|txt)$/i;

/** A path inside a ZIP made of safe segments: no `..`, no separators, no controls or bidi characters, short. */
export function safeZipPath(name: string): string {
  const segs = name.split(/[\\/]+/).filter((s) => s !== '' && s !== '.' && s !== '..');
  const last = segs.pop() ?? '';
  return [...segs.map((s) => safeFileName(s, '_')), safeFileNameWithExt(last, '未命名')].join('/');
}

function dos(d: Date): { time: number; date: number } {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** Sum of the sizes of the files (what the bundle will hold, before any deflating). */
export async function totalSize(sources: readonly ZipSource[]): Promise<number> {
  let n = 0;
  for (const s of sources) n += (await stat(s.file)).size;
  return n;
}

/** The ZIP of `sources`, as a stream; names that come out the same once cleaned get `_2`, `_3`. */
export function zipStream(sources: readonly ZipSource[]): Readable {
  if (sources.length > 0xffff) throw new Error('zip of more than 65535 entries');
  async function* generate(): AsyncGenerator<Buffer> {
    const central: Buffer[] = [];
    const used = new Set<string>();
    let offset = 0;
    for (const s of sources) {
      let entryName = safeZipPath(s.name);
      const slash = entryName.lastIndexOf('/');
      const dot = entryName.lastIndexOf('.');
      const [stem, ext] = dot > slash + 1 ? [entryName.slice(0, dot), entryName.slice(dot)] : [entryName, ''];
      for (let k = 2; used.has(entryName.toLowerCase()); k++) entryName = `${stem}_${k}${ext}`;
      used.add(entryName.toLowerCase());
      const name = Buffer.from(entryName, 'utf8');
      const [data, st] = await Promise.all([readFile(s.file), stat(s.file)]);
      const crc = zlib.crc32(data) >>> 0;
      let method = 0;
      let body = data;
      if (TEXT.test(entryName) && data.length > 0) {
        const deflated = await deflateRaw(data, { level: 6 });
        if (deflated.length < data.length) {
          method = 8;
          body = deflated;
        }
      }
      if (offset + 30 + name.length + body.length > LIMIT) throw new Error('zip over 4 GB');
      const { time, date } = dos(st.mtime);
      const { local, cen } = entryHeaders({ method, time, date, crc, stored: body.length, size: data.length, nameLength: name.length, offset });
      central.push(cen, name);
      offset += 30 + name.length + body.length;
      yield Buffer.concat([local, name]);
      yield body;
    }
    const cd = Buffer.concat(central);
    const end = endOfCentralDirectory(sources.length, cd.length, offset);
    yield Buffer.concat([cd, end]);
  }
  return Readable.from(generate(), { objectMode: false });
}
