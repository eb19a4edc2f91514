import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Earlier, FINDINGS_SCHEMA_VERSION, FindingsDocumentSchema } from '../report/index.js';
import type { Finding } from '../rules/index.js';

/** An earlier audit to compare with (`--previous EARLIER_OUT`): its findings, inputs and counts. */
export interface EarlierAudit extends Earlier {
  counts: { files: number; findings: number; errors: number; warnings: number; infos: number };
}

/**
 * The earlier audit's findings.json, checked against the schema it was written by: a folder that is not an audit's
 * output, or one written before findings carried their identity, is said in words (exit 2), never half-compared.
 */
export function readEarlierAudit(dir: string, whenWrong: (message: string) => Error): EarlierAudit {
  const file = path.join(dir, 'findings.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw whenWrong(`上一轮审核结果无法读取：${dir} 中没有可读的 findings.json（--previous 应指向上一轮审核的输出文件夹）`);
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version < FINDINGS_SCHEMA_VERSION)
    throw whenWrong(`上一轮审核结果由旧版本生成（第 ${version} 版格式），没有问题的标识，无法比较：请用当前版本重新审核上一轮报送的材料后再比较`);
  const r = FindingsDocumentSchema.safeParse(json);
  if (!r.success) throw whenWrong(`上一轮审核结果的 findings.json 格式不对，无法比较：${r.error.issues[0]?.path.join('.') ?? ''} ${r.error.issues[0]?.message ?? ''}`);
  const doc = r.data;
  // Findings a second comparison carried over are the earlier audit's own again: its change is this audit's to say.
  const findings: Finding[] = doc.findings.map(({ change: _change, resubmitted: _resubmitted, ...f }) => f);
  const s = doc.summary;
  return {
    findings,
    inputs: doc.inputs.map((i) => ({ file: i.file, sha256: i.sha256 })),
    counts: { files: s.files, findings: s.findings, errors: s.errors, warnings: s.warnings, infos: s.infos },
  };
}
