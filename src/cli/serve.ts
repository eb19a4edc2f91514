import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, wholeOption } from './errors.js';
import type { Io } from './io.js';

/**
 * `recon serve [--port 8080] [--host 127.0.0.1] [--data ./recon-data] [--jobs N] [--timeout S] [--memory MB] [--max-file-mb N]
 * [--max-files N]`: the web service. Resolves (0) only when the server has closed: SIGINT / SIGTERM close it
 * gracefully (the audit running is finished, queued ones stay queued on disk); a second signal exits at once.
 */
export async function runServeCommand(args: string[], io: Io): Promise<number> {
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

  // A broken mapping file would fail every audit the page starts: refuse to start, saying which (exit 2).
  const { loadMappings, mappingSourcesWith } = await import('../map/index.js');
  loadMappings(mappingSourcesWith(undefined));
  const { startServer } = await import('../server/index.js');
  let started: Awaited<ReturnType<typeof startServer>>;
  try {
    started = await startServer({
    port,
    host,
    dataDir,
    jobs,
    timeoutMs: timeoutS === undefined ? undefined : timeoutS * 1000,
    memoryMb,
    maxFileBytes: maxFileMb === undefined ? undefined : maxFileMb * 1024 * 1024,
    maxFiles,
    logger: { level: 'warn' },
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    io.err(e.code === 'EADDRINUSE' ? `端口 ${port} 已被占用 (port in use)` : `服务无法启动 (cannot start)：${e.message}（数据目录 ${dataDir}）`);
    return 2;
  }
  const { app, url } = started;
  io.out(`绩效自评表审核服务已启动：${url}`);
  io.out(`数据目录：${dataDir}（按 Ctrl+C 停止）`);

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
