#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { MappingError, loadMappings, mappingSourcesWith } from '../map/index.js';
import { inspect } from './inspect.js';
import { UsageError } from './errors.js';

/** Exit codes of SPEC.md: 0 no error-level finding, 1 at least one, 2 usage or fatal problem. */
export const EXIT_USAGE = 2;

const USAGE = `用法 / usage:
  recon audit <文件、文件夹或通配符…> --out DIR [--ledger FILE] [--ledger-mapping FILE] [--mapping FILE|DIR]
              [--rules FILE] [--jobs N] [--timeout 秒] [--memory MB] [--quiet]
  recon inspect FILE [--mapping FILE|DIR]
  recon serve [--port 8080] [--host 127.0.0.1] [--data DIR] [--jobs N] [--timeout 秒] [--memory MB]
              [--max-file-mb N] [--max-files N]`;

function mappingsFrom(values: string[] | undefined) {
  return loadMappings(mappingSourcesWith(values));
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(USAGE);
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
        if (positionals.length !== 1) throw new UsageError('inspect 需要一个文件 (inspect takes one FILE)');
        console.log(await inspect(positionals[0]!, mappingsFrom(values.mapping)));
        return 0;
      }
      case 'audit': {
        const { runAuditCommand } = await import('./audit.js');
        return await runAuditCommand(rest);
      }
      case 'serve': {
        const { runServeCommand } = await import('./serve.js');
        return await runServeCommand(rest);
      }
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        console.log(USAGE);
        return command === undefined ? EXIT_USAGE : 0;
      default:
        throw new UsageError(`没有这个命令 (unknown command)：${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(`${err.message}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    if (err instanceof MappingError) {
      console.error(`映射文件有误 (mapping error)：${err.message}`);
      return EXIT_USAGE;
    }
    // A message, not a traceback: RECON_DEBUG=1 shows where it came from.
    const text = err instanceof Error ? (process.env.RECON_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
    console.error(`出错 (error)：${text}`);
    return EXIT_USAGE;
  }
}


const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isEntry) process.exitCode = await main(process.argv.slice(2));
