export { neutralize, safeFileName, safeFileNameWithExt, insideDir, ensureDir } from './safety.js';
export { ANNOTATED_NONE, ANNOTATED_NOT_AUDITED, SEVERITY_ZH, STATUS_ZH, UNKNOWN_DEPARTMENT, type FileStatus } from './labels.js';
export { compareFindings, compareCells, compareText, sortFindings } from './sort.js';
export {
  type InputRecord,
  type Summary,
  summarize,
  findingsDocument,
  writeFindingsDocument,
  departmentOrUnknown,
  compareInputs,
  type Comparison,
} from './findings-json.js';
export { compareAudits, type Earlier, type DepartmentProgress, type Changes } from './changes.js';
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
export { annotateSubmission, annotateWorkbook, annotatedCopy, annotatedPath, annotatedPaths, COMMENT_AUTHOR, OPINIONS_SHEET, SubmissionChanged } from './annotate.js';
export { xlsxBuffer, writeXlsxFile, reportSheet, type WriteSheet } from './xlsx-writer.js';
export {
  FINDINGS_SCHEMA_VERSION,
  FindingSchema,
  FindingsDocumentSchema,
  type FindingsDocument,
  InputSchema,
  SummarySchema,
  findingsJsonSchema,
} from './findings-schema.js';
