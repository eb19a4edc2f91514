/**
 * Loaded into the audit processes of a test (RECON_RUNNER_FLAGS="--import <this file>"): an audit whose input folder
 * holds a file so named meets the bad luck its name says, when its report's summary is written — the disk full
 * (ENOSPC), or the audit process itself ending in a native abort.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const write = fs.writeFileSync;
fs.writeFileSync = function writeFileSync(file, ...rest) {
  const name = String(file);
  if (name.endsWith('summary.xlsx')) {
    // <audit>/out/<stage>/summary.xlsx
    const input = path.join(path.dirname(path.dirname(path.dirname(name))), 'input');
    const marked = (word) => fs.readdirSync(input, { recursive: true }).some((f) => String(f).includes(word));
    if (marked('disk-full-me')) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${name}'`), { code: 'ENOSPC' });
    if (marked('abort-runner-me')) process.abort();
  }
  return write.call(this, file, ...rest);
};
syncBuiltinESMExports();
