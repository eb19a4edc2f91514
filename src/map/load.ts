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
    const why = r.error.issues.map((i) => `${i.path.join('.') || '（文件本身）'}：${i.message}`).join('；');
    throw new MappingError(`${source}：${why}`);
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
 * `kind` is `ledger` are the ledger's and are skipped), in the order given, each folder's files by name. Within one
 * source ids must be unique; a later source's mapping replaces an earlier one of the same id (a bureau's own copy
 * of a built-in layout).
 */
export function loadMappings(sources: string[] = [builtinMappingDir]): Mapping[] {
  const byId = new Map<string, { mapping: Mapping; source: number }>();
  const seen = new Set<string>();
  sources.forEach((src, k) => {
    let isDir: boolean;
    try {
      isDir = statSync(src).isDirectory();
    } catch {
      throw new MappingError(`找不到映射文件或文件夹：${src}`);
    }
    const files = isDir ? readdirSync(src).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(src, f)) : [src];
    for (const file of files) {
      const resolved = path.resolve(file);
      if (seen.has(resolved)) continue;
      seen.add(resolved);
      const json = readJson(file) as { kind?: string };
      if (json && json.kind === 'ledger') continue;
      const m = parseMapping(json, file);
      const before = byId.get(m.id);
      if (before && before.source === k) throw new MappingError(`${file}：格式 id“${m.id}”在同一处出现了两次，请改用不同的 id`);
      // Re-inserted, so the order is that of the sources.
      byId.delete(m.id);
      byId.set(m.id, { mapping: m, source: k });
    }
  });
  if (!byId.size) throw new MappingError(`没有找到表格格式映射文件：${sources.join('、')}`);
  return [...byId.values()].map((x) => x.mapping);
}

/** What `--mapping` means: the built-in layouts, plus (or, by id, instead of) the bureau's own. */
export function mappingSourcesWith(given: readonly string[] | undefined): string[] {
  return [builtinMappingDir, ...(given ?? [])];
}
