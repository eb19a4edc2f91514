#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MappingError, loadMappings, mappingSourcesWith } from '../map/index.js';
import { UsageError, argsErrorText } from './errors.js';
import { type Io, processIo } from './io.js';

/** Exit codes of SPEC.md: 0 no error-level finding, 1 at least one, 2 usage or fatal problem. */
export const EXIT_USAGE = 2;

const USAGE = `用法：
  recon audit <文件、文件夹或通配符…> --out DIR [--previous DIR] [--ledger FILE] [--ledger-mapping FILE] [--mapping FILE|DIR]
              [--rules FILE] [--jobs N] [--timeout 秒] [--memory MB] [--quiet]
  recon inspect FILE [--mapping FILE|DIR]
  recon serve [--port 8080] [--host 127.0.0.1] [--data DIR] [--password-file FILE | --token] [--allowed-host NAME]
              [--jobs N] [--timeout 秒] [--memory MB] [--audit-timeout 分钟] [--upload-timeout 分钟]
              [--max-file-mb N] [--max-files N] [--secure-cookie]
  recon --version`;

const AUDIT_HELP = `recon audit <文件、文件夹或通配符…> --out DIR [选项]
  审核报送的工作簿（.xlsx、.xls、.csv），为每个主管部门生成整改清单。

  --out DIR            输出文件夹：findings.json、summary.xlsx、corrections/<部门>.xlsx|.csv、annotated/
  --previous DIR       上一轮审核的输出文件夹：每个问题标出“新增”或“仍未整改”，列出已整改的问题和各部门整改进度
  --ledger FILE        预算系统台账（.csv 或工作簿），核对全年预算数、全年执行数并查漏报
  --ledger-mapping F   台账列名不同时的台账映射文件（默认 mappings/ledger.json）
  --mapping FILE|DIR   另加的表格格式映射（可重复；与内置格式同 id 的取代内置格式）
  --rules FILE         规则参数文件（等级、分值、容差、严重程度、关闭规则），见 samples/rules.example.json
  --jobs N             同时读取的进程数（默认每个 CPU 核一个）
  --timeout 秒         每个文件的读取时限（默认 60）
  --memory MB          每个读取进程的内存上限（V8 堆，默认 1024）
  --quiet              不显示进度和汇总

  退出码：0 没有错误级问题；1 有错误级问题（须整改）；2 命令或设置有误。`;

const INSPECT_HELP = `recon inspect FILE [--mapping FILE|DIR]
  显示每个工作表匹配到哪个格式、每个字段从哪个单元格读到什么、哪些标签没找到：编写新格式的映射文件时用。`;

const SERVE_HELP = `recon serve [--port 8080] [--host 127.0.0.1] [--data DIR] [选项]
  启动网页服务：在浏览器中上传报送材料、查看问题、与上一轮比较整改情况、下载整改清单。
  --data DIR             上传和结果保存的文件夹（默认 ./recon-data）
  --host 地址            默认 127.0.0.1（只有本机能访问，不需要密码）；其他地址（如 0.0.0.0）必须设置访问密码：
  --password-file 文件   从文件读取访问密码（至少 8 个字符）；也可用环境变量 RECON_PASSWORD
  --token                启动时生成随机访问令牌并显示，在登录页面输入
  --allowed-host 域名    经代理或域名访问时允许的地址（可重复）；--secure-cookie  经 https 访问时加上
  --jobs N、--timeout 秒、--memory MB  同 audit
  --audit-timeout 分钟   一次审核的总时限（默认 30），超时的审核停止并记为失败
  --upload-timeout 分钟  一次上传的总时限（默认 60）；30 秒收不到数据的上传也会断开，已收到的部分不保留
  --max-file-mb N        单个文件大小上限；--max-files N  一次上传的工作簿数上限`;

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function mappingsFrom(values: string[] | undefined, cwd: string) {
  return loadMappings(mappingSourcesWith(values?.map((v) => path.resolve(cwd, v))));
}

/** The command line: `argv` without node and the script; returns the exit code (SPEC.md: 0, 1, 2). */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command === 'audit' ? AUDIT_HELP : command === 'inspect' ? INSPECT_HELP : command === 'serve' ? SERVE_HELP : USAGE);
    return 0;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    io.out(`perf-recon ${version()}`);
    return 0;
  }
  try {
    switch (command) {
      case 'inspect': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { mapping: { type: 'string', multiple: true } },
        });
        if (positionals.length !== 1) throw new UsageError('inspect 需要一个文件');
        const { kindOf } = await import('../audit/index.js');
        if (kindOf(path.resolve(io.cwd, positionals[0]!)) !== 'file') throw new UsageError(`找不到文件：${positionals[0]}`);
        const { inspect } = await import('./inspect.js');
        io.out(await inspect(positionals[0]!, mappingsFrom(values.mapping, io.cwd), io.cwd));
        return 0;
      }
      case 'audit': {
        const { runAuditCommand } = await import('./audit.js');
        return await runAuditCommand(rest, io);
      }
      case 'serve': {
        const { runServeCommand } = await import('./serve.js');
        return await runServeCommand(rest, io);
      }
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.out(USAGE);
        return command === undefined ? EXIT_USAGE : 0;
      default:
        throw new UsageError(`没有这个命令：${command}`);
    }
  } catch (err) {
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`${argsErrorText(err as TypeError & { code: string })}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      io.err(`${err.message}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    if (err instanceof MappingError) {
      io.err(`映射文件有误：${err.message}`);
      return EXIT_USAGE;
    }
    // A message, not a traceback: RECON_DEBUG=1 shows where it came from.
    const text = err instanceof Error ? (process.env.RECON_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
    io.err(`出错：${text}`);
    return EXIT_USAGE;
  }
}


const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isEntry) process.exitCode = await main(process.argv.slice(2));
