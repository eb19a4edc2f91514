import type { Severity } from '../rules/index.js';

export type FileStatus = 'audited' | 'unreadable' | 'unrecognized';

export const SEVERITY_ZH: Record<Severity, string> = {
  error: '错误（须整改）',
  warning: '警告（须说明）',
  info: '提示',
};

export const STATUS_ZH: Record<FileStatus, string> = {
  audited: '已审核',
  unreadable: '无法读取',
  unrecognized: '无法识别',
};

/** Department key of a finding or file whose department is not known. */
export const UNKNOWN_DEPARTMENT = '未知部门';

/** The summary's file list, 批注副本 column: a workbook with nothing to say gets no copy. */
export const ANNOTATED_NONE = '无问题，未生成批注副本';
/** …and a file that was not audited (unreadable, unrecognised) has no copy either. */
export const ANNOTATED_NOT_AUDITED = '未审核，无批注副本';
