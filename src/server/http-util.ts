import type { IncomingMessage } from 'node:http';

/** An answer with a status code and a Chinese message for the user: `{ error }`. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (RFC 6266 / RFC 5987), so that
 * browsers save `007-政法委.xlsx` under its Chinese name and old clients still get a usable one.
 */
export function contentDisposition(fileName: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  const dot = fileName.lastIndexOf('.');
  const ext = dot > 0 ? fileName.slice(dot).replace(/[^\x20-\x7e]|["\\]/g, '') : '';
  let ascii = (dot > 0 ? fileName.slice(0, dot) : fileName).replace(/[^\x20-\x7e]|["\\%;]/g, '_').replace(/_{2,}/g, '_');
  if (!/[A-Za-z0-9]/.test(ascii)) ascii = 'download';
  return `${disposition}; filename="${ascii}${ext}"; filename*=UTF-8''${rfc5987(fileName)}`;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KB`;
  return `${n} 字节`;
}

/**
 * Reads and discards what is left of a request body after an upload was refused, so the client gets to read the
 * answer instead of a reset connection. Gives up (false: answer with `Connection: close`) after `capBytes` more
 * bytes or `ms` milliseconds.
 */
export function drainRequest(raw: IncomingMessage, capBytes: number, ms = 10_000): Promise<boolean> {
  if (raw.readableEnded || raw.destroyed) return Promise.resolve(raw.readableEnded);
  return new Promise((resolve) => {
    let seen = 0;
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('close', onClose);
      raw.off('error', onClose);
      resolve(ok);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > capBytes) finish(false);
    };
    const onEnd = () => finish(true);
    const onClose = () => finish(raw.readableEnded);
    const timer = setTimeout(() => finish(false), ms);
    raw.on('data', onData);
    raw.on('end', onEnd);
    raw.on('close', onClose);
    raw.on('error', onClose);
    raw.unpipe();
    raw.resume();
  });
}

/**
 * Time limits on a request's body: no byte for `idleMs`, or the whole body not in after `totalMs`, and the connection
 * is closed (the handler reading it then fails, and removes what it stored). Requests without a body are left alone;
 * once the body is in, the limits end (an answer may take as long as it takes).
 */
export function watchBody(raw: IncomingMessage, idleMs: number, totalMs: number): void {
  const length = raw.headers['content-length'];
  const chunked = raw.headers['transfer-encoding'] !== undefined;
  if ((!chunked && (length === undefined || Number(length) === 0)) || raw.readableEnded) return;
  const socket = raw.socket;
  const stop = () => {
    socket.destroy();
  };
  const total = setTimeout(stop, totalMs);
  const done = () => {
    clearTimeout(total);
    socket.setTimeout(0);
    socket.off('timeout', stop);
    raw.off('end', done);
    raw.off('close', done);
  };
  socket.setTimeout(idleMs);
  socket.on('timeout', stop);
  raw.once('end', done);
  raw.once('close', done);
}
