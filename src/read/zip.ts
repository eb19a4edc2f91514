/**
 * The ZIP reader and writer live in ooxml/ (below the reader and the report stage alike). This re-export keeps
 * tests/fixtures/ooxml-cases.ts, which this branch may not edit, importing them from here.
 */
export { ZipArchive, ZipTooLarge, ZipUnsupported, writeZip, type ZipEntry, type ZipOut } from '../ooxml/index.js';
