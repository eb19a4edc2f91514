export { neutralize, safeFileName, safeFileNameWithExt, insideDir, ensureDir } from './safety.js';
export { SEVERITY_ZH, STATUS_ZH, UNKNOWN_DEPARTMENT, type FileStatus } from './labels.js';
export { compareFindings, compareCells, sortFindings } from './sort.js';
export {
  type InputRecord,
  type Summary,
  summarize,
  findingsDocument,
  departmentOf,
  compareInputs,
} from './findings-json.js';
export {
  CORRECTION_HEADERS,
  CORRECTIONS_SHEET,
  correctionRows,
  toCsv,
  writeCorrections,
  writeAllCorrections,
  departmentFileNames,
  ruleLabel,
  listDate,
  byListOrder,
  headingRows,
  type ListContext,
} from './corrections.js';
export { writeSummaryWorkbook } from './summary-xlsx.js';
export { annotateWorkbook, annotatedCopy, annotatedPath, annotatedPaths, type AnnotateSource, COMMENT_AUTHOR, OPINIONS_SHEET } from './annotate.js';
export { xlsxBuffer, writeXlsxFile, reportSheet, type WriteSheet } from './xlsx-writer.js';
