import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ServerOptions } from '../server/index.js';
import { UsageError, wholeOption } from './errors.js';
import type { Io } from './io.js';

/** An access password shorter than this is refused: it would be guessed. */
export const MIN_PASSWORD_LENGTH = 8;

/** What `recon serve` starts with, and what it tells the user at start (the generated token among it). */
export interface ServePlan {
  options: ServerOptions & { port: number; host: string; dataDir: string };
  /** Lines for the user once the server listens (how to log in). */
  notes: string[];
}

const LOOPBACK = /^(localhost|::1|\[::1\]|127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

export const UNPROTECTED = (host: string) =>
  `拒绝启动：在 ${host} 上提供服务，局域网内任何人都能查看、下载和删除全部审核结果，必须设置访问密码。\n` +
  '请任选一种：\n' +
  '  --password-file 文件   从文件读取访问密码（文件中只写密码，至少 8 个字符）\n' +
  '  环境变量 RECON_PASSWORD  设置访问密码\n' +
  '  --token                启动时生成一个随机访问令牌并显示出来\n' +
  '只在本机使用时，不加 --host（默认 127.0.0.1）即可，不需要密码。';

/**
 * `recon serve`'s arguments as server options: the access password from --password-file or RECON_PASSWORD (never
 * from the command line itself, where other users of the machine can read it), or a token generated with --token;
 * an address other than the loopback one without either is refused (UsageError, exit 2).
 */
export function servePlan(args: string[], io: Pick<Io, 'cwd'>, env: NodeJS.ProcessEnv = process.env): ServePlan {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      data: { type: 'string' },
      jobs: { type: 'string', short: 'j' },
      timeout: { type: 'string' },
      memory: { type: 'string' },
      'max-file-mb': { type: 'string' },
      'max-files': { type: 'string' },
      'audit-timeout': { type: 'string' },
      'upload-timeout': { type: 'string' },
      'password-file': { type: 'string' },
      token: { type: 'boolean' },
      'allowed-host': { type: 'string', multiple: true },
      'secure-cookie': { type: 'boolean' },
    },
  });
  if (positionals.length) throw new UsageError(`serve 不接受其他参数 (serve takes no arguments)：${positionals.join(' ')}`);
  const port = wholeOption('--port', values.port, 0, 65535) ?? 8080;
  const host = values.host ?? '127.0.0.1';
  const dataDir = path.resolve(io.cwd, values.data ?? './recon-data');
  const jobs = wholeOption('--jobs', values.jobs, 1, 256);
  const timeoutS = wholeOption('--timeout', values.timeout, 1, 3600);
  const memoryMb = wholeOption('--memory', values.memory, 32, 65536);
  const maxFileMb = wholeOption('--max-file-mb', values['max-file-mb'], 1, 4096);
  const maxFiles = wholeOption('--max-files', values['max-files'], 1, 100_000);
  const auditMinutes = wholeOption('--audit-timeout', values['audit-timeout'], 1, 24 * 60);
  const uploadMinutes = wholeOption('--upload-timeout', values['upload-timeout'], 1, 24 * 60);

  const notes: string[] = [];
  let secret: string | null = null;
  const sources = [values['password-file'] !== undefined, env.RECON_PASSWORD !== undefined && env.RECON_PASSWORD !== '', values.token === true].filter(Boolean).length;
  if (sources > 1) throw new UsageError('--password-file、环境变量 RECON_PASSWORD 和 --token 只能用一种');
  if (values['password-file'] !== undefined) {
    const file = path.resolve(io.cwd, values['password-file']);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`无法读取访问密码文件：${values['password-file']}（${(err as NodeJS.ErrnoException).code ?? String(err)}）`);
    }
    secret = text.replace(/^\uFEFF/, '').replace(/[\r\n]+$/, '');
    notes.push(`访问密码：取自 ${values['password-file']}`);
  } else if (env.RECON_PASSWORD) {
    secret = env.RECON_PASSWORD;
    notes.push('访问密码：取自环境变量 RECON_PASSWORD');
  } else if (values.token) {
    secret = randomBytes(18).toString('base64url');
    notes.push(`访问令牌：${secret}`, '（在登录页面输入这个令牌即可；令牌每次启动都会更换）');
  }
  if (secret !== null && [...secret].length < MIN_PASSWORD_LENGTH) throw new UsageError(`访问密码至少 ${MIN_PASSWORD_LENGTH} 个字符`);
  if (secret === null && !LOOPBACK.test(host)) throw new UsageError(UNPROTECTED(host));

  return {
    options: {
      port,
      host,
      dataDir,
      jobs,
      timeoutMs: timeoutS === undefined ? undefined : timeoutS * 1000,
      memoryMb,
      maxFileBytes: maxFileMb === undefined ? undefined : maxFileMb * 1024 * 1024,
      maxFiles,
      auditTimeoutMs: auditMinutes === undefined ? undefined : auditMinutes * 60_000,
      uploadTimeoutMs: uploadMinutes === undefined ? undefined : uploadMinutes * 60_000,
      access: { secret, allowedHosts: values['allowed-host'], secureCookie: values['secure-cookie'] === true },
      logger: { level: 'warn' },
    },
    notes,
  };
}

/**
 * `recon serve [--port 8080] [--host 127.0.0.1] [--data ./recon-data] …`: the web service. Resolves (0) only when the
 * server has closed: SIGINT / SIGTERM close it gracefully (the audit running is finished, queued ones stay queued on
 * disk); a second signal exits at once.
 */
export async function runServeCommand(args: string[], io: Io): Promise<number> {
  const { options, notes } = servePlan(args, io);
  // A broken mapping file would fail every audit the page starts: refuse to start, saying which (exit 2).
  const { loadMappings, mappingSourcesWith } = await import('../map/index.js');
  loadMappings(mappingSourcesWith(undefined));
  const { startServer } = await import('../server/index.js');
  let started: Awaited<ReturnType<typeof startServer>>;
  try {
    started = await startServer(options);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    io.err(e.code === 'EADDRINUSE' ? `端口 ${options.port} 已被占用 (port in use)` : `服务无法启动 (cannot start)：${e.message}（数据目录 ${options.dataDir}）`);
    return 2;
  }
  const { app, url } = started;
  io.out(`绩效自评表审核服务已启动：${url}`);
  for (const line of notes) io.out(line);
  io.out(`数据目录：${options.dataDir}（按 Ctrl+C 停止）`);

  return await new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        io.err(`再次收到 ${signal}，立即退出`);
        process.exit(1);
      }
      stopping = true;
      io.out(`收到 ${signal}，正在停止服务（等待进行中的审核完成）……`);
      app.close().then(
        () => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          io.out('服务已停止');
          resolve(0);
        },
        (err: unknown) => {
          io.err(err instanceof Error ? err.message : String(err));
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
