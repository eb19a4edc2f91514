/**
 * `npm run schema`: writes docs/findings.schema.json from the zod schema of findings.json
 * (src/report/findings-schema.ts). tests/report/findings-schema.test.ts fails when the committed file differs.
 */
import { writeFileSync } from 'node:fs';
import { findingsJsonSchema } from '../src/report/index.js';

export const SCHEMA_FILE = new URL('../docs/findings.schema.json', import.meta.url);

export function schemaText(): string {
  return `${JSON.stringify(findingsJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  writeFileSync(SCHEMA_FILE, schemaText());
  console.log('docs/findings.schema.json written');
}
