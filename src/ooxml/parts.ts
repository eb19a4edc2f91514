/**
 * Pieces of SpreadsheetML that both xlsx writers of the report stage need: the one that builds a workbook from rows
 * (report/xlsx-writer.ts) and the one that adds comments to a submitted package in place (report/annotate.ts).
 */

export const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n';
export const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
export const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
export const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
export const REL_COMMENTS = `${NS_REL}/comments`;
export const REL_VML = `${NS_REL}/vmlDrawing`;
export const CT_COMMENTS = 'application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml';
export const CT_VML = 'application/vnd.openxmlformats-officedocument.vmlDrawing';

/** The author every comment of ours carries. */
export const COMMENT_AUTHOR = '绩效自评审核';

const XML_SPECIAL = /[&<>'"]/g;
const XML_ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' };
// Characters XML 1.0 cannot hold, and a literal `_xHHHH_` that readers would take for one of OOXML's escapes.
const OOXML_ESCAPE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF]|_(?=x[0-9A-Fa-f]{4}_)/g;

/** Text as SpreadsheetML element or attribute content: entities, and OOXML's `_xHHHH_` for the rest. */
export function escapeXml(text: string): string {
  return text
    .replace(XML_SPECIAL, (c) => XML_ENTITY[c]!)
    .replace(OOXML_ESCAPE, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`);
}

/** A `<t>` element, keeping leading/trailing spaces and line breaks. */
export function textElement(text: string): string {
  const open = /^\s|\s$|[\t\n\r]/.test(text) ? '<t xml:space="preserve">' : '<t>';
  return `${open}${escapeXml(text)}</t>`;
}

export interface CellNote {
  /** Zero-based row and column. */
  r: number;
  c: number;
  ref: string;
  text: string;
}

/** A comments part: one author (绩效自评审核, COMMENT_AUTHOR), the notes in the order given. */
export function commentsXml(notes: CellNote[]): string {
  const list = notes.map((n) => `<comment ref="${n.ref}" authorId="0"><text>${textElement(n.text)}</text></comment>`).join('');
  return `${XML_HEAD}<comments xmlns="${NS_MAIN}"><authors><author>${escapeXml(COMMENT_AUTHOR)}</author></authors><commentList>${list}</commentList></comments>`;
}

/** Hidden notes, drawn as SheetJS and Excel draw them; `block` keeps shape ids apart between sheets. */
export function vmlXml(notes: { r: number; c: number }[], block: number): string {
  const shapes = notes
    .map(
      ({ r, c }, k) =>
        `<v:shape id="_x0000_s${block * 1024 + k + 1}" type="#_x0000_t202" style="position:absolute; margin-left:80pt;margin-top:5pt;width:104pt;height:64pt;z-index:10;visibility:hidden" fillcolor="#ECFAD4" strokecolor="#edeaa1"><v:fill color2="#BEFF82" type="gradient" angle="-180"><o:fill type="gradientUnscaled" v:ext="view"/></v:fill><v:shadow on="t" obscured="t"/><v:path o:connecttype="none"/><v:textbox><div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>${c + 1},0,${r + 1},0,${c + 3},20,${r + 5},20</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>${r}</x:Row><x:Column>${c}</x:Column></x:ClientData></v:shape>`,
    )
    .join('');
  return `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="${block}"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m0,0l0,21600,21600,21600,21600,0xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>${shapes}</xml>`;
}

/** The two relationships a sheet's notes need. */
export function noteRelationships(ridVml: string, vmlTarget: string, ridComments: string, commentsTarget: string): string {
  return `<Relationship Id="${ridVml}" Type="${REL_VML}" Target="${vmlTarget}"/><Relationship Id="${ridComments}" Type="${REL_COMMENTS}" Target="${commentsTarget}"/>`;
}

/** Sheet names Excel accepts: 1–31 characters, none of `[]:*?/\`, not starting or ending with `'`. */
export function validSheetName(name: string): boolean {
  return name.length > 0 && name.length <= 31 && !/[[\]:*?/\\]/.test(name) && !/^'|'$/.test(name) && name.toLowerCase() !== 'history';
}
