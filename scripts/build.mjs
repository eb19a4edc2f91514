/**
 * The build: src/**\/*.ts to dist/ as plain ES modules, file for file (no bundle: modules find package.json,
 * mappings/ and the page beside them as in src/), with esbuild — a runtime dependency, so that `npm ci --omit=dev`
 * builds the tool on `prepare` and bin/recon.mjs can rebuild a dist/ that is older than src/. Types are checked by
 * `npm run typecheck`, not here.
 *
 *   node scripts/build.mjs [--out DIR]      (default dist/)
 *
 * dist/.source-hash holds the hash of the sources it was built from: `isFresh()` compares it with src/ as it is now.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
export const DIST = path.join(ROOT, 'dist');
const STAMP = '.source-hash';

/** Every file under src/, relative, sorted: the TypeScript to compile and the page's files to copy. */
function sources() {
  return readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(SRC, path.join(e.parentPath ?? e.path, e.name)))
    .sort();
}

/** The hash of src/ as it is: every file's name and content (mtimes lie after a checkout or a copy). */
export function sourceHash() {
  const h = createHash('sha256');
  for (const f of sources()) h.update(f).update('\0').update(readFileSync(path.join(SRC, f))).update('\0');
  return h.digest('hex');
}

/** dist/ was built from src/ as it is now. */
export function isFresh(out = DIST) {
  try {
    return readFileSync(path.join(out, STAMP), 'utf8') === sourceHash();
  } catch {
    return false;
  }
}

/** Holds `${out}.lock` while `fn` runs: one build at a time; a lock left by a build that died is taken after a minute. */
async function locked(out, fn) {
  const lock = `${out}.lock`;
  mkdirSync(path.dirname(out), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds into a folder of its own and puts it in place with a rename, one build at a time, so that a process
 * starting meanwhile never loads half a build. A build that finds dist/ fresh once it holds the lock (another
 * process built it meanwhile) does nothing.
 */
export async function build(out = DIST, { force = false } = {}) {
  const { build: esbuild } = await import('esbuild');
  await locked(out, async () => {
    const hash = sourceHash();
    if (!force && isFresh(out)) return;
    const files = sources();
    const tmp = `${out}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    await esbuild({
      entryPoints: files.filter((f) => f.endsWith('.ts')).map((f) => path.join(SRC, f)),
      outdir: tmp,
      outbase: SRC,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'error',
    });
    // The reader process's script, bundled with its dependencies into one file in place of its per-file build: a
    // reader starts in about 0.25 s instead of 0.4 s (no module resolution over a hundred files and four packages),
    // and an audit starts one per core, plus one for the ledger. It stays at dist/audit/, where the modules it
    // holds find mappings/ (../../mappings) as they would.
    // The web service's audit process likewise (0.75 s to load its modules one by one, per audit): bundled at
    // dist/server/, one folder below dist/ as its modules were, it finds package.json, mappings/ and audit/child.js.
    for (const entry of ['audit/child', 'server/runner']) {
      await esbuild({
        entryPoints: [path.join(SRC, `${entry}.ts`)],
        outfile: path.join(tmp, `${entry}.js`),
        allowOverwrite: true,
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
        logLevel: 'error',
      });
    }
    for (const f of files.filter((f) => !f.endsWith('.ts'))) {
      mkdirSync(path.dirname(path.join(tmp, f)), { recursive: true });
      cpSync(path.join(SRC, f), path.join(tmp, f));
    }
    writeFileSync(path.join(tmp, STAMP), hash);
    const old = `${out}.old-${process.pid}`;
    if (existsSync(out)) renameSync(out, old);
    renameSync(tmp, out);
    rmSync(old, { recursive: true, force: true });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const at = process.argv.indexOf('--out');
  const out = at > 0 ? path.resolve(process.argv[at + 1]) : DIST;
  const t0 = performance.now();
  await build(out, { force: true });
  console.log(`built ${path.relative(process.cwd(), out) || out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
