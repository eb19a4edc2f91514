/**
 * Loaded into the reader processes of a test (RECON_READER_FLAGS="--import <this file>"): a submission whose name
 * says so takes its reader down the way hostile files and bad luck do, at the moment the reader opens it.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const read = fs.readFileSync;
fs.readFileSync = function readFileSync(file, ...rest) {
  const name = String(file);
  // V8 or a native library giving up: SIGABRT, exit 134, as a 100 MB attribute did
  if (name.includes('abort-me')) process.abort();
  if (name.includes('segfault-me')) process.kill(process.pid, 'SIGSEGV');
  // the operating system's OOM killer, or anyone else
  if (name.includes('killed-me')) process.kill(process.pid, 'SIGKILL');
  if (name.includes('hang-me')) for (;;);
  // memory outside V8's heap, which its heap limit never sees
  if (name.includes('balloon-me')) {
    const held = [];
    for (;;) held.push(Buffer.alloc(64 << 20, 1));
  }
  // V8's own heap limit
  if (name.includes('heap-me')) {
    const held = [];
    for (;;) held.push(new Array(1 << 20).fill(0.5));
  }
  return read.call(this, file, ...rest);
};
syncBuiltinESMExports();
