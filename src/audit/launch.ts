/** How the tool starts a script of its own in a process of its own: the reader processes, the web service's audits. */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const LOADER_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C']);

/** Of this process's own flags, only those that load modules (a loader such as tsx): V8 settings stay its own. */
export function loaderFlags(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.split('=')[0]!;
    if (!LOADER_FLAGS.has(name) && a !== '--enable-source-maps' && a !== '--no-warnings') continue;
    out.push(a);
    if (!a.includes('=') && LOADER_FLAGS.has(name) && i + 1 < argv.length) out.push(argv[++i]!);
  }
  return out;
}

/**
 * Script `file` with the flags to start it: compiled JavaScript (the built tool, dist/) as it is; TypeScript (under
 * development and tests) with tsx's loader, named by its absolute location, as the working directory may be anywhere.
 * `extra` flags go last.
 */
export function launch(file: string, extra: string[] = []): { file: string; execArgv: string[] } {
  const inherited = loaderFlags(process.execArgv);
  if (!file.endsWith('.ts') || inherited.some((a) => a.includes('tsx'))) return { file, execArgv: [...inherited, ...extra] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { file, execArgv: [...inherited, '--import', tsx, ...extra] };
}
