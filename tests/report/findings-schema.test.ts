import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FINDINGS_SCHEMA_VERSION, FindingsDocumentSchema, findingsDocument } from '../../src/report/index.js';
import { SCHEMA_FILE, schemaText } from '../../scripts/findings-schema.js';
import { finding } from './helpers.js';

describe('the published schema of findings.json', () => {
  it('docs/findings.schema.json is the one generated from the zod schema (npm run schema writes it)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaText());
  });

  it('names the version findings.json carries', () => {
    const schema = JSON.parse(schemaText()) as { properties: { schemaVersion: { const: number } }; required: string[] };
    expect(schema.properties.schemaVersion.const).toBe(FINDINGS_SCHEMA_VERSION);
    expect(schema.required).toEqual(['schemaVersion', 'tool', 'inputs', 'findings', 'summary']);
    const doc = JSON.parse(findingsDocument({ name: 'perf-recon', version: '0.1.0' }, [], [], 0)) as { schemaVersion: number };
    expect(doc.schemaVersion).toBe(FINDINGS_SCHEMA_VERSION);
  });

  it('refuses what the contract does not allow', () => {
    const good = JSON.parse(
      findingsDocument({ name: 'perf-recon', version: '0.1.0' }, [{ file: 'a.xlsx', sha256: 'a'.repeat(64), status: 'audited', sheets: [] }], [finding({ file: 'a.xlsx' })], 1),
    ) as { findings: Record<string, unknown>[]; schemaVersion?: number };
    expect(FindingsDocumentSchema.safeParse(good).success).toBe(true);
    const bad = (edit: (d: typeof good) => void) => {
      const d = structuredClone(good);
      edit(d);
      return FindingsDocumentSchema.safeParse(d).success;
    };
    expect(bad((d) => (d.findings[0]!.cell = 'H 7'))).toBe(false);
    expect(bad((d) => (d.findings[0]!.severity = 'fatal'))).toBe(false);
    expect(bad((d) => (d.findings[0]!.extra = 1))).toBe(false);
    expect(bad((d) => delete d.schemaVersion)).toBe(false);
  });
});
