import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Mapping } from './schema.js';

export class MappingError extends Error {}

/** The mappings shipped with the tool. */
export const builtinMappingDir = fileURLToPath(new URL('../../mappings/', import.meta.url));

export function parseMapping(json: unknown, source: string): Mapping {
  const r = Mapping.safeParse(json);
  if (!r.success) {
    const why = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new MappingError(`${source}: ${why}`);
  }
  return r.data;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new MappingError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Loads table mappings from files or folders (a folder: every `*.json` in it that is a table mapping; files whose
 * `kind` is `ledger` are the ledger's and are skipped). Ids must be unique; order is by file name.
 */
export function loadMappings(sources: string[] = [builtinMappingDir]): Mapping[] {
  const files: string[] = [];
  for (const src of sources) {
    if (statSync(src).isDirectory())
      files.push(...readdirSync(src).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(src, f)));
    else files.push(src);
  }
  const out: Mapping[] = [];
  for (const file of files) {
    const json = readJson(file) as { kind?: string };
    if (json && json.kind === 'ledger') continue;
    const m = parseMapping(json, file);
    if (out.some((o) => o.id === m.id)) throw new MappingError(`${file}: duplicate mapping id ${m.id}`);
    out.push(m);
  }
  if (!out.length) throw new MappingError(`no table mapping in ${sources.join(', ')}`);
  return out;
}
