/**
 * The contract of findings.json (SPEC.md, "Outputs"), as a zod schema: the document the audit writes, the JSON
 * Schema published as docs/findings.schema.json (`npm run schema`), and what every test that reads a findings.json
 * checks it against. A change here that changes the document's shape raises FINDINGS_SCHEMA_VERSION.
 */
import { z } from 'zod';

/**
 * 1: the document before it carried its version; 2: `schemaVersion` added, rule.failed among the rules; 3: each
 * finding's `key` (its identity across audits), and against an earlier audit `change`, `resubmitted`, `previous`,
 * `resolved` and `progress`.
 */
export const FINDINGS_SCHEMA_VERSION = 3;

const Severity = z.enum(['error', 'warning', 'info']).describe('error = must be corrected, warning = must be explained, info');
const A1 = /^[A-Z]{1,3}[1-9]\d{0,6}$/;

export const FindingSchema = z
  .strictObject({
    rule: z.string().regex(/^[a-z]+\.[a-z-]+$/).describe('Rule id, e.g. fund.rate (SPEC.md, "Rules")'),
    severity: Severity,
    file: z.string().describe('Relative to the directory argument the file was found under, forward slashes'),
    sheet: z.string().nullable(),
    cell: z.string().regex(A1).nullable().describe('A1 address (top-left cell of a merge), or null where no cell fits'),
    department: z.string().nullable().describe('主管部门 as code-name, the text as written, or the folder of a file without a table'),
    unit: z.string().nullable(),
    project: z.string().nullable(),
    message: z.string().min(1).describe('Chinese, names the figures'),
    expected: z.string().nullable().describe('应为'),
    actual: z.string().nullable().describe('表中为'),
    key: z
      .string()
      .min(1)
      .describe('The problem\'s identity across resubmissions: department and unit codes, project, rule and what it is about (never the file name or cell)'),
    change: z.enum(['new', 'open']).optional().describe('With --previous: found for the first time, or still there'),
    resubmitted: z.literal(false).optional().describe('With --previous: an earlier finding of a table not resubmitted, still open'),
  })
  .describe('One problem, pinned to a file, sheet and cell');

export const InputSchema = z
  .strictObject({
    file: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable().describe('Of the file as submitted; null when it could not be read'),
    status: z.enum(['audited', 'unreadable', 'unrecognized']),
    sheets: z.array(
      z.strictObject({
        name: z.string(),
        layout: z.string().nullable().describe('The mapping id that read the sheet; null for a sheet that is not a table'),
        project: z.string().nullable(),
      }),
    ),
  })
  .describe('Every input file, audited or with the reason it was not');

const Counts = z.strictObject({ errors: z.number().int().nonnegative(), warnings: z.number().int().nonnegative(), infos: z.number().int().nonnegative() });

export const SummarySchema = z.strictObject({
  files: z.number().int().nonnegative(),
  audited: z.number().int().nonnegative(),
  unreadable: z.number().int().nonnegative(),
  unrecognized: z.number().int().nonnegative(),
  tables: z.number().int().nonnegative(),
  findings: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  warnings: z.number().int().nonnegative(),
  infos: z.number().int().nonnegative(),
  departments: z.number().int().nonnegative(),
  byRule: z.record(z.string(), z.number().int().positive()),
  byDepartment: z.record(z.string(), Counts),
});

const ProgressSchema = z
  .strictObject({
    department: z.string(),
    earlier: Counts,
    fixed: z.number().int().nonnegative(),
    open: z.number().int().nonnegative(),
    new: z.number().int().nonnegative(),
    fixedErrorShare: z.number().min(0).max(100).nullable().describe('Percent of the earlier errors fixed'),
    resubmitted: z.boolean().describe('false: the department sent nothing new (no file, or the same files)'),
  })
  .describe('整改进度 of one department against the earlier audit');

export const FindingsDocumentSchema = z
  .strictObject({
    schemaVersion: z.literal(FINDINGS_SCHEMA_VERSION),
    tool: z.strictObject({ name: z.literal('perf-recon'), version: z.string() }),
    inputs: z.array(InputSchema),
    findings: z.array(FindingSchema),
    previous: z
      .strictObject({
        files: z.number().int().nonnegative(),
        findings: z.number().int().nonnegative(),
        errors: z.number().int().nonnegative(),
        warnings: z.number().int().nonnegative(),
        infos: z.number().int().nonnegative(),
      })
      .optional()
      .describe('With --previous: the earlier audit\'s counts'),
    resolved: z.array(FindingSchema).optional().describe('With --previous: earlier findings no longer present (file, sheet and cell are the earlier ones)'),
    progress: z.array(ProgressSchema).optional(),
    summary: SummarySchema,
  })
  .describe('findings.json of `recon audit`: sorted, byte-identical for the same inputs');

export type FindingsDocument = z.infer<typeof FindingsDocumentSchema>;

/** The published JSON Schema of findings.json (docs/findings.schema.json). */
export function findingsJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(FindingsDocumentSchema, { target: 'draft-2020-12' });
  return { $schema, title: 'perf-recon findings.json', ...rest };
}
