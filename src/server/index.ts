import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from './app.js';
import { isLoopback } from './access.js';

export { buildApp, DEFAULT_LIMITS, type AppOptions, type AuditView, type CorruptView } from './app.js';
export { AuditStore, INTERRUPTED, DEFAULT_AUDIT_TIMEOUT_MS, type AuditState, type AuditStatus } from './store.js';
export { isAuditId, defaultName, localDate } from './records.js';
export { isLoopback, sameSecret, SESSION_COOKIE, type AccessOptions } from './access.js';
export { PAGE_CSP, pageAssets, loginPage } from './page.js';

export interface ServerOptions extends AppOptions {
  port?: number;
  host?: string;
}

export interface RunningServer {
  app: FastifyInstance;
  /** `http://host:port/`, with the port actually bound. */
  url: string;
}

/** Refused: an address other than the loopback one with no access password or token. */
export class UnprotectedError extends Error {}

/**
 * Builds the app and listens (default 127.0.0.1:8080). An address other than the loopback one is refused without an
 * access password or token (`access.secret`): anyone who reaches the port would read, download and delete every
 * audit. Close with `app.close()`.
 */
export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const { port = 8080, host = '127.0.0.1', ...appOptions } = o;
  if (!isLoopback(host) && !appOptions.access?.secret)
    throw new UnprotectedError(`在 ${host} 上提供服务需要访问密码或访问令牌`);
  const app = buildApp(appOptions);
  await app.listen({ port, host });
  const addr = app.server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  const shown = host.includes(':') ? (host === '::' ? '127.0.0.1' : `[${host}]`) : host === '0.0.0.0' ? '127.0.0.1' : host;
  return { app, url: `http://${shown}:${bound}/` };
}
