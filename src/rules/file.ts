import type { RuleMeta } from './types.js';

/** Findings about whole files; raised by the audit, not by a check over a table. */
export const fileUnreadableMeta: RuleMeta = {
  id: 'file.unreadable',
  severity: 'error',
  title: '文件无法读取',
  description: '不是可读取的工作簿：空文件、损坏、加密、过大、读取超时或读取时异常',
  docs: 'Not a readable workbook: empty, corrupt, encrypted, too large, parse timed out.',
  messages: {
    empty: '文件为空，无法读取',
    encrypted: '文件已加密（设有打开密码），无法读取，请去除密码后重新报送',
    corrupt: '文件已损坏或不是有效的 Excel/CSV 文件，无法读取',
    'too-large': '文件过大（{detail}），超出读取上限',
    timeout: '读取超时（超过 {detail}），文件可能异常',
    'out-of-memory': '读取时内存超限，文件可能异常',
    crashed: '读取时进程异常退出（{detail}），文件可能异常，本文件未审核；请检查后重新报送',
    unsupported: '不支持的文件格式，无法读取',
  },
};

export const fileUnrecognizedMeta: RuleMeta = {
  id: 'file.unrecognized',
  severity: 'error',
  title: '无法识别的表格',
  description: '可以打开，但没有工作表符合已知的自评表格式；写出最接近的格式和缺少的标签',
  docs: 'Readable, but no sheet matches any layout; names the nearest layout and the labels it lacked.',
  messages: {
    unrecognized: '文件可以打开，但没有工作表符合任何已知的绩效自评表格式（工作表：{sheets}）',
    nearest:
      '文件可以打开，但没有工作表符合任何已知的绩效自评表格式（工作表：{sheets}）。最接近的格式是“{layout}”，工作表“{sheet}”缺少：{lacking}。请按规定的格式填报后重新报送；如确为另一种规定格式，请财政局为它增加格式映射',
    ledgerLike: '文件可以打开，但不是绩效自评表：它像是预算执行台账（工作表：{sheets}）；若是，请作为台账指定（命令行 --ledger，网页上的“预算执行台账”）',
  },
};

export const fileTooManyFindingsMeta: RuleMeta = {
  id: 'file.too-many-findings',
  severity: 'warning',
  title: '问题过多未全部列出',
  description: '一个文件的问题超过上限时，只列出其中最严重的一部分，其余的条数在这一条里写明',
  docs: 'A file with more findings than the cap: the most severe are listed, this one counts the rest.',
  messages: {
    capped: '本文件发现的问题过多（共 {total} 条），只列出其中最严重的 {kept} 条，其余 {omitted} 条未列出；请先改正已列出的问题，重新报送后再审核',
  },
};
