import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from './app.js';

export { buildApp, DEFAULT_LIMITS, type AppOptions } from './app.js';
export { AuditStore, isAuditId, type AuditState, type AuditStatus } from './store.js';
export { PAGE_CSP, pageAssets } from './page.js';

export interface ServerOptions extends AppOptions {
  port?: number;
  host?: string;
}

export interface RunningServer {
  app: FastifyInstance;
  /** `http://host:port/`, with the port actually bound. */
  url: string;
}

/** Builds the app and listens (default 127.0.0.1:8080). Close with `app.close()`. */
export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const { port = 8080, host = '127.0.0.1', ...appOptions } = o;
  const app = buildApp(appOptions);
  await app.listen({ port, host });
  const addr = app.server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return { app, url: `http://${shown}:${bound}/` };
}
