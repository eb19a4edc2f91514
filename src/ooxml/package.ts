/**
 * The package around a workbook: which part is the workbook, its relationships, and where each sheet lives. Read
 * as SheetJS 0.20.3 reads them; shared by the fast reader (read/ooxml.ts) and the annotator (report/annotate.ts),
 * which needs only this much of a submission to add comments to it in place.
 */
import { NS_REL } from './parts.js';
import { attributes, localName, tags, unescapexml } from './xml.js';
import type { ZipArchive } from './zip.js';

/** A package the fast reader (or the in-place annotator) does not take as it is: the caller falls back. */
export class OoxmlUnsupported extends Error {}

export function unsupported(why: string): never {
  throw new OoxmlUnsupported(why);
}

const CT_NS = 'http://schemas.openxmlformats.org/package/2006/content-types';
const WORKBOOK_TYPES = new Set([
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml',
  'application/vnd.ms-excel.sheet.macroEnabled.main+xml',
  'application/vnd.ms-excel.template.macroEnabled.main+xml',
  'application/vnd.ms-excel.addin.macroEnabled.main+xml',
]);
const SST_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml';
const STYLES_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml';
export const WORKSHEET_REL = `${NS_REL}/worksheet`;

/**
 * Parsed package parts by their stored bytes. Workbooks made by one program (one template, one budget system) carry
 * byte-identical [Content_Types].xml, styles and relationships: each is parsed once per process. The stored bytes are
 * compared in full, so a hit is the same part, never a look-alike.
 */
export class PartMemo<T> {
  private readonly byKey = new Map<string, { raw: Buffer; value: T }>();

  constructor(private readonly max = 256) {}

  get(zip: ZipArchive, name: string, parse: (xml: string) => T): T | null {
    const e = zip.entries.get(name);
    if (!e) return null;
    const key = `${e.crc32}:${e.size}:${e.compressedSize}:${e.method}`;
    const raw = zip.raw(e);
    const hit = this.byKey.get(key);
    if (hit?.raw.equals(raw)) return hit.value;
    const value = parse(zip.text(name)!);
    if (this.byKey.size >= this.max) this.byKey.clear();
    this.byKey.set(key, { raw: Buffer.from(raw), value });
    return value;
  }
}

function front(p: string): string {
  return p.charAt(0) === '/' ? p.slice(1) : p;
}

interface ContentTypes {
  workbooks: string[];
  sst: string | null;
  styles: string | null;
  /** Why the fast path cannot take the package, if it cannot. */
  unsupported: string | null;
}

function parseContentTypes(xml: string): ContentTypes {
  const out: ContentTypes = { workbooks: [], sst: null, styles: null, unsupported: null };
  const root = /<(?:(\w+):)?Types\b[^>]*>/.exec(xml);
  if (!root || root[1] || attributes(root[0]).xmlns !== CT_NS) return { ...out, unsupported: 'content types namespace' };
  for (const { tag, name } of tags(xml)) {
    if (localName(name) !== 'Override') continue;
    const a = attributes(tag);
    const ct = a.ContentType ?? '';
    const part = a.PartName ?? '';
    if (WORKBOOK_TYPES.has(ct)) out.workbooks.push(part);
    else if (/binary\.macroEnabled\.main|sheet\.binary/.test(ct)) return { ...out, unsupported: 'xlsb' };
    else if (ct === SST_TYPE) out.sst ??= part;
    else if (ct === STYLES_TYPE) out.styles ??= part;
  }
  return out;
}

const contentTypesMemo = new PartMemo<ContentTypes>();
const relationshipsMemo = new PartMemo<Map<string, { type: string; target: string }>>();

/** The workbook part and its shared strings and styles parts, or OoxmlUnsupported. */
export function contentTypes(zip: ZipArchive): { workbook: string; sst: string | null; styles: string | null } {
  const parsed = contentTypesMemo.get(zip, '[Content_Types].xml', parseContentTypes) ?? unsupported('no [Content_Types].xml');
  if (parsed.unsupported) unsupported(parsed.unsupported);
  const { workbooks, sst, styles } = parsed;
  if (workbooks.length > 1) unsupported('several workbook parts');
  const workbook = workbooks[0] ? front(workbooks[0]) : zip.has('xl/workbook.xml') ? 'xl/workbook.xml' : unsupported('no workbook part');
  if (workbook !== 'xl/workbook.xml') unsupported(`workbook at ${workbook}`);
  return { workbook, sst: sst ? front(sst) : null, styles: styles ? front(styles) : null };
}

export function relationships(xml: string | null): Map<string, { type: string; target: string }> {
  const out = new Map<string, { type: string; target: string }>();
  if (!xml) return out;
  for (const { tag, name } of tags(xml)) {
    if (name !== 'Relationship') continue;
    const a = attributes(tag);
    if (a.Id !== undefined) out.set(a.Id, { type: a.Type ?? '', target: unescapexml(a.Target ?? '') });
  }
  return out;
}

export const WORKBOOK_RELS = 'xl/_rels/workbook.xml.rels';

/** The workbook's relationships (memoised by their stored bytes: most workbooks of a batch share them). */
export function workbookRelationships(zip: ZipArchive): Map<string, { type: string; target: string }> | null {
  return relationshipsMemo.get(zip, WORKBOOK_RELS, relationships);
}

/** Where a workbook relationship's target is in the package, as SheetJS looks for it. */
export function sheetPart(zip: ZipArchive, target: string): string | undefined {
  return [`xl/${target.replace(/[/]?xl\//, '')}`, target, `xl/${target}`].find((p) => zip.has(p));
}

/** The relationships part of a part: `xl/worksheets/sheet1.xml` → `xl/worksheets/_rels/sheet1.xml.rels`. */
export function relsPathOf(part: string): string {
  return part.replace(/^(.*)(\/)([^/]*)$/, '$1/_rels/$3.rels');
}

/** A `<sheet>` of workbook.xml with what its relationship says of it. */
export interface WorkbookSheet {
  name: string;
  /** `visible`, `hidden`, `veryHidden` (as written; absent is visible). */
  state: string | undefined;
  /** Its relationship, when workbook.xml.rels has one for its r:id. */
  rel: { type: string; target: string } | undefined;
  /** The part the relationship points at, when the package has it. */
  path: string | undefined;
}

/** The sheets of workbook.xml in their order, as SheetJS lists them. */
export function workbookSheets(zip: ZipArchive, wbXml: string, rels: Map<string, { type: string; target: string }>): WorkbookSheet[] {
  const out: WorkbookSheet[] = [];
  for (const { tag, name: tagName } of tags(wbXml)) {
    if (localName(tagName) !== 'sheet') continue;
    const y = attributes(tag);
    const rel = y.id !== undefined ? rels.get(y.id) : undefined;
    out.push({ name: unescapexml(y.name ?? ''), state: y.state, rel, path: rel ? sheetPart(zip, rel.target) : undefined });
  }
  return out;
}
