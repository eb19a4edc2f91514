/**
 * The OOXML package, below both of its users: the reader (read/) takes workbooks apart, the report stage (report/)
 * writes workbooks and adds comments to submitted ones in place. ZIP on Node's zlib, SheetJS's own XML helpers,
 * the package's parts as SheetJS finds them, and the SpreadsheetML pieces our writers emit.
 */
export { ZipArchive, ZipUnsupported, ZipTooLarge, endOfCentralDirectory, entryHeaders, hidesText, isSafePartName, writeZip, type ZipEntry, type ZipOut } from './zip.js';
export { attributes, localName, markupClosed, tags, TAGS, unescapexml } from './xml.js';
export {
  OoxmlUnsupported,
  PartMemo,
  WORKBOOK_RELS,
  WORKSHEET_REL,
  type WorkbookSheet,
  contentTypes,
  relationships,
  relsPathOf,
  sheetPart,
  unsupported,
  workbookRelationships,
  workbookSheets,
} from './package.js';
export {
  COMMENT_AUTHOR,
  CT_COMMENTS,
  CT_VML,
  type CellNote,
  NS_MAIN,
  NS_PKG_REL,
  NS_REL,
  XML_HEAD,
  commentsXml,
  escapeXml,
  noteRelationships,
  textElement,
  validSheetName,
  vmlXml,
} from './parts.js';
