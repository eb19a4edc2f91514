/**
 * The CLI as a user starts it, as a process: `node bin/recon.mjs` runs the built tool (dist/), rebuilding a dist/
 * older than src/ first, and ends with the exit codes of SPEC.md. The rest of the suite calls main() in its own
 * process (tests/cli/helpers.ts); these few are the ones only a process can show.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBureau, readFindings, removeTempRoots, tableXlsx, tempRoot, write } from '../cli/helpers.js';
import { insurance } from '../helpers/workbooks.js';

afterAll(removeTempRoots);

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node …args` in `cwd`, without the suite's own settings (its reader script), as a user's shell would run it. */
function node(args: string[], cwd: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.RECON_READER_SCRIPT;
  delete env.RECON_READER_FLAGS;
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env, timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

const recon = (args: string[], cwd: string, root = ROOT) => node([path.join(root, 'bin/recon.mjs'), ...args], cwd);

let root: string;
beforeAll(() => {
  root = tempRoot();
  buildBureau(root);
  write(path.join(root, 'clean', '保险.xlsx'), tableXlsx(insurance));
});

describe('recon as a process', () => {
  it('Ctrl+C: exit 130, said in words, and --out as it was before the run (the earlier report, no stage left)', async () => {
    const out = path.join(root, 'out-interrupted');
    const first = await recon(['audit', 'clean', '--out', out], root);
    expect(first.code, first.stderr).toBe(0);
    const before = readFileSync(path.join(out, 'findings.json'), 'utf8');
    // enough tables that the run is still going when the signal comes
    for (let i = 0; i < 60; i++) write(path.join(root, 'many', `表${i}.xlsx`), tableXlsx(insurance));
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.RECON_READER_SCRIPT;
    delete env.RECON_READER_FLAGS;
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/recon.mjs'), 'audit', 'many', '--out', out, '--jobs', '1'], { cwd: root, env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // once the run has its stage in --out, it is under way
    for (let i = 0; i < 600 && !readdirSync(out).some((n) => n.startsWith('.正在写出-')); i++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('已中断：审核没有完成，没有生成新的 findings.json、整改清单和汇总表；输出文件夹保持原样');
    expect(readdirSync(out).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(readFileSync(path.join(out, 'findings.json'), 'utf8')).toBe(before);
  });

  it('audits a bureau: exit 1 (it has errors), a summary line, a valid findings.json', async () => {
    const r = await recon(['audit', 'bureau', '--ledger', 'ledger.csv', '--out', 'out'], root);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^共 12 个文件（已审核 7，无法读取 3，无法识别 \d）/m);
    expect(readFindings(path.join(root, 'out')).summary.files).toBe(12);
  });

  it('exit 0 for clean tables, 2 for a usage error (a message, no stack trace)', async () => {
    const [clean, usage] = await Promise.all([recon(['audit', 'clean', '--out', 'out-clean'], root), recon(['audit', 'clean'], root)]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--out/);
    expect(usage.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('from the sources too, with tsx (development): the reader processes are started with the loader', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const r = await node(['--import', tsx, path.join(ROOT, 'src/cli/main.ts'), 'audit', 'clean', '--out', 'out-tsx'], root);
    expect(r.code, r.stderr).toBe(0);
    expect(readFindings(path.join(root, 'out-tsx')).inputs.map((i) => i.status)).toEqual(['audited']);
  });

  it('never runs a dist/ older than src/: it is built again first', async () => {
    // A copy of the tool whose source changes after its dist/ was built.
    const copy = path.join(tempRoot(), 'tool');
    mkdirSync(copy);
    for (const d of ['src', 'scripts', 'bin', 'mappings']) cpSync(path.join(ROOT, d), path.join(copy, d), { recursive: true });
    cpSync(path.join(ROOT, 'package.json'), path.join(copy, 'package.json'));
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    const first = await recon(['--version'], copy, copy);
    expect(first.stdout.trim()).toBe('perf-recon 0.1.0');
    const stamp = readFileSync(path.join(copy, 'dist', '.source-hash'), 'utf8');
    const main = path.join(copy, 'src/cli/main.ts');
    // the version line's template literal, `perf-recon ${version()}`
    writeFileSync(main, readFileSync(main, 'utf8').replace('`perf-recon ', '`perf-recon（已修改） '));
    const second = await recon(['--version'], copy, copy);
    expect(second.stdout.trim()).toBe('perf-recon（已修改） 0.1.0');
    expect(readFileSync(path.join(copy, 'dist', '.source-hash'), 'utf8')).not.toBe(stamp);
  });
});
