/**
 * The one way tests read a findings.json: parsed and checked against the zod schema of the document
 * (src/report/findings-schema.ts), so that every findings.json the suite makes is a valid one, and typed by it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type FindingsDocument, FindingsDocumentSchema } from '../../src/report/index.js';

export type { FindingsDocument };
export type Finding = FindingsDocument['findings'][number];
export type InputRecord = FindingsDocument['inputs'][number];

/** findings.json's text, parsed and validated; throws with zod's account of what is wrong. */
export function parseFindings(text: string): FindingsDocument {
  return FindingsDocumentSchema.parse(JSON.parse(text));
}

/** `outDir/findings.json`, parsed and validated. */
export function readFindings(outDir: string): FindingsDocument {
  return parseFindings(fs.readFileSync(path.join(outDir, 'findings.json'), 'utf8'));
}
