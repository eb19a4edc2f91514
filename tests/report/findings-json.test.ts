import { describe, expect, it } from 'vitest';
import { FINDINGS_SCHEMA_VERSION, findingsDocument, summarize, type InputRecord } from '../../src/report/index.js';
import { parseFindings } from '../helpers/findings.js';
import { finding, shuffled } from './helpers.js';

const TOOL = { name: 'perf-recon', version: '0.1.0' };

const inputs: InputRecord[] = [
  { file: 'b/坏.xlsx', sha256: 'b'.repeat(64), status: 'unreadable', sheets: [] },
  { file: 'a/政法委.xlsx', sha256: 'a'.repeat(64), status: 'audited', sheets: [{ name: '表1', layout: 'county', project: '雪亮工程' }, { name: '说明', layout: null, project: null }] },
  { file: 'c/notes.csv', sha256: null, status: 'unrecognized', sheets: [{ name: 'notes', layout: null, project: null }] },
];

const findings = [
  finding({ file: 'a/政法委.xlsx', cell: 'A10', rule: 'score.total', severity: 'error' }),
  finding({ file: 'a/政法委.xlsx', cell: 'B2', rule: 'narrative.mismatch', severity: 'warning' }),
  finding({ file: 'a/政法委.xlsx', cell: 'A2', rule: 'value.dirty', severity: 'info', department: '公安局' }),
  finding({ file: 'b/坏.xlsx', sheet: null, cell: null, rule: 'file.unreadable', department: null, project: null }),
  finding({ file: 'c/notes.csv', sheet: null, cell: null, rule: 'file.unrecognized', department: null }),
];

describe('summarize', () => {
  it('counts files, severities, rules and departments', () => {
    const s = summarize(inputs, findings, 1);
    expect(s).toEqual({
      files: 3,
      audited: 1,
      unreadable: 1,
      unrecognized: 1,
      tables: 1,
      findings: 5,
      errors: 3,
      warnings: 1,
      infos: 1,
      departments: 3,
      byRule: { 'file.unreadable': 1, 'file.unrecognized': 1, 'narrative.mismatch': 1, 'score.total': 1, 'value.dirty': 1 },
      byDepartment: {
        公安局: { errors: 0, warnings: 0, infos: 1 },
        政法委: { errors: 1, warnings: 1, infos: 0 },
        未知部门: { errors: 2, warnings: 0, infos: 0 },
      },
    });
    expect(Object.keys(s.byDepartment)).toEqual(['公安局', '政法委', '未知部门']);
  });

  it('counts a department named __proto__ like any other', () => {
    const s = summarize([], [finding({ department: '__proto__' })], 0);
    expect(Object.keys(s.byDepartment)).toEqual(['__proto__']);
    expect(s.departments).toBe(1);
  });
});

describe('findingsDocument', () => {
  const doc = findingsDocument(TOOL, inputs, findings, 1);

  it('is byte-identical whatever the input order', () => {
    for (let seed = 1; seed <= 10; seed++) {
      expect(findingsDocument(TOOL, shuffled(inputs, seed), shuffled(findings, seed * 7), 1)).toBe(doc);
    }
  });

  it('has the fixed shape, sorted, 2-space indented, with a trailing newline', () => {
    expect(doc.endsWith('}\n')).toBe(true);
    expect(doc.startsWith(`{\n  "schemaVersion": ${FINDINGS_SCHEMA_VERSION},\n  "tool": {\n    "name": "perf-recon",\n    "version": "0.1.0"\n  },\n  "inputs": [`)).toBe(true);
    // valid under the published schema, and typed by it
    const parsed = parseFindings(doc);
    expect(Object.keys(parsed)).toEqual(['schemaVersion', 'tool', 'inputs', 'findings', 'summary']);
    expect(parsed.inputs.map((i) => i.file)).toEqual(['a/政法委.xlsx', 'b/坏.xlsx', 'c/notes.csv']);
    expect(parsed.findings.map((f) => `${f.file}:${f.cell}`)).toEqual([
      'a/政法委.xlsx:A2',
      'a/政法委.xlsx:B2',
      'a/政法委.xlsx:A10',
      'b/坏.xlsx:null',
      'c/notes.csv:null',
    ]);
    expect(Object.keys(parsed.findings[0]!)).toEqual([
      'rule', 'severity', 'file', 'sheet', 'cell', 'department', 'unit', 'project', 'message', 'expected', 'actual', 'key',
    ]);
    expect(Object.keys(parsed.inputs[0]!)).toEqual(['file', 'sha256', 'status', 'sheets']);
    expect(parsed.summary.findings).toBe(5);
    expect(doc).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('keeps key order even when objects were built in another order', () => {
    const f = finding();
    const reordered = Object.fromEntries(Object.entries(f).reverse()) as typeof f;
    expect(findingsDocument(TOOL, [], [reordered], 0)).toBe(findingsDocument(TOOL, [], [f], 0));
  });
});
