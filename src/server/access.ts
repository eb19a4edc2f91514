/**
 * Who may use the web service, and from where.
 *
 * - Host: every request must name this server in its `Host` header (the loopback names with the port it listens on;
 *   on another address also this machine's own addresses and name, and the names given with --allowed-host).
 *   A page of another site that has made its name point at this machine (DNS rebinding) is refused, reads included.
 * - Origin: every request that changes something (POST, PUT, PATCH, DELETE) must come from this server's own page:
 *   an `Origin` of another site, or `null`, is refused (a cross-site form post, CSRF). A request with neither
 *   Origin nor Sec-Fetch-Site comes from no browser (a script, curl) and is let through to the checks below.
 * - Login, when an access password or token is set (required on any address other than the loopback one): a Chinese
 *   login page, a session cookie that is HttpOnly and SameSite=Strict (Secure when the service is reached over
 *   https), failed attempts limited per client, logout. Scripts may send `Authorization: Bearer <password>` instead.
 *   The password is compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import os from 'node:os';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loginPage } from './page.js';

export interface AccessOptions {
  /** The access password or token; null: no login (allowed only on a loopback address, see startServer). */
  secret?: string | null | undefined;
  /** The session cookie with `Secure` (set when the service is reached over https, e.g. behind a proxy). */
  secureCookie?: boolean | undefined;
  /** Host names (optionally `name:port`) this server is reached by besides its own addresses, e.g. behind a proxy. */
  allowedHosts?: string[] | undefined;
  /** Failed logins a client may make in `loginWindowMs` before it must wait (default 5 in 15 minutes). */
  loginAttempts?: number | undefined;
  loginWindowMs?: number | undefined;
  /** A session unused this long ends (default 12 hours). */
  sessionIdleMs?: number | undefined;
}

export const SESSION_COOKIE = 'recon_session';
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** What may be fetched without a session: the login page, its style sheet, the icon; logging out. */
const PUBLIC = new Set(['/login', '/logout', '/app.css', '/favicon.ico']);
const MAX_SESSIONS = 10_000;
const MAX_CLIENTS = 10_000;

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Equal, in a time that does not depend on where they differ (both are hashed to the same length first). */
export function sameSecret(given: string, secret: string): boolean {
  return timingSafeEqual(digest(given), digest(secret));
}

/** `name` and `port` of a Host header (`a.b:8080`, `[::1]:8080`, `a.b`), lower-cased; null when malformed. */
export function parseHost(value: string | undefined): { name: string; port: number | null } | null {
  if (!value || value.length > 300) return null;
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m) return null;
  return { name: m[1]!.toLowerCase(), port: m[2] === undefined ? null : Number(m[2]) };
}

function cookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

/** This machine's own addresses and name, as a Host header would name them. */
function ownNames(): Set<string> {
  const names = new Set<string>(LOOPBACK_NAMES);
  const host = os.hostname().toLowerCase();
  if (host) {
    names.add(host);
    names.add(`${host}.local`);
  }
  for (const list of Object.values(os.networkInterfaces()))
    for (const a of list ?? []) names.add(a.family === 'IPv6' ? `[${a.address.toLowerCase().split('%')[0]}]` : a.address);
  return names;
}

interface Failures {
  times: number[];
}

/** The access checks and the login routes, on `app`. */
export function registerAccess(app: FastifyInstance, o: AccessOptions): void {
  const secret = o.secret ?? null;
  const attempts = o.loginAttempts ?? 5;
  const windowMs = o.loginWindowMs ?? 15 * 60 * 1000;
  const idleMs = o.sessionIdleMs ?? 12 * 60 * 60 * 1000;
  const extraHosts = (o.allowedHosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean);
  const sessions = new Map<string, number>();
  const failures = new Map<string, Failures>();
  let names: { at: number; set: Set<string> } | null = null;

  /** The port and address the server listens on (known once it listens). */
  const bound = () => {
    const a = app.server.address();
    return typeof a === 'object' && a ? { port: a.port, address: a.address } : null;
  };

  function hostAllowed(header: string | undefined): boolean {
    const h = parseHost(header);
    if (!h) return false;
    if (extraHosts.includes(h.name) || (h.port !== null && extraHosts.includes(`${h.name}:${h.port}`))) return true;
    const b = bound();
    if (!b) return false;
    const portOk = h.port === b.port || (h.port === null && b.port === 80);
    if (!portOk) return false;
    if (LOOPBACK_NAMES.includes(h.name)) return true;
    if (isLoopback(b.address)) return false;
    // listening on another address (0.0.0.0, a LAN address): this machine's own names, looked up once a minute
    if (!names || Date.now() - names.at > 60_000) names = { at: Date.now(), set: ownNames() };
    return names.set.has(h.name);
  }

  /** A request from a page of another site, or from an opaque origin. */
  function crossSite(req: FastifyRequest): boolean {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (origin === 'null') return true;
      let u: URL;
      try {
        u = new URL(origin);
      } catch {
        return true;
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return true;
      return u.host.toLowerCase() !== String(req.headers.host ?? '').trim().toLowerCase();
    }
    const site = req.headers['sec-fetch-site'];
    return site !== undefined && site !== 'same-origin' && site !== 'none';
  }

  function client(req: FastifyRequest): string {
    return req.ip || 'unknown';
  }

  /** Seconds the client must wait before it may try again, or 0. */
  function lockedFor(key: string): number {
    const f = failures.get(key);
    if (!f) return 0;
    const now = Date.now();
    f.times = f.times.filter((t) => now - t < windowMs);
    if (!f.times.length) {
      failures.delete(key);
      return 0;
    }
    if (f.times.length < attempts) return 0;
    return Math.max(1, Math.ceil((f.times[0]! + windowMs - now) / 1000));
  }

  function failed(key: string): void {
    if (!failures.has(key) && failures.size >= MAX_CLIENTS) {
      // the oldest entries go first; a flood of clients cannot grow this without bound
      for (const k of [...failures.keys()].slice(0, Math.ceil(MAX_CLIENTS / 10))) failures.delete(k);
    }
    const f = failures.get(key) ?? { times: [] };
    f.times.push(Date.now());
    failures.set(key, f);
  }

  function sessionOf(req: FastifyRequest): string | null {
    const id = cookies(req.headers.cookie)[SESSION_COOKIE];
    if (!id) return null;
    const seen = sessions.get(id);
    if (seen === undefined) return null;
    if (Date.now() - seen > idleMs) {
      sessions.delete(id);
      return null;
    }
    sessions.set(id, Date.now());
    return id;
  }

  function bearerOk(req: FastifyRequest): boolean | null {
    const auth = req.headers.authorization;
    if (!auth || !secret) return null;
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (!m) return false;
    return sameSecret(m[1]!.trim(), secret);
  }

  function cookie(value: string, maxAgeS: number): string {
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${o.secureCookie ? '; Secure' : ''}`;
  }

  function tooMany(reply: FastifyReply, wait: number, html: boolean) {
    const minutes = Math.ceil(wait / 60);
    const message = `登录失败次数过多，请 ${minutes} 分钟后再试`;
    reply.code(429).header('retry-after', String(wait));
    return html ? reply.type('text/html; charset=utf-8').send(loginPage(message)) : reply.send({ error: message });
  }

  app.addHook('onRequest', async (req, reply) => {
    if (!hostAllowed(req.headers.host)) {
      return reply
        .code(421)
        .header('connection', 'close')
        .send({ error: '拒绝访问：请求的地址（Host）不是本服务的地址。请使用启动服务时显示的地址；经代理或域名访问时，请信息科用 --allowed-host 加上该域名' });
    }
    if (STATE_CHANGING.has(req.method) && crossSite(req)) {
      return reply.code(403).send({ error: '拒绝跨站请求：只能在本服务自己的页面上提交' });
    }
    if (!secret) return;
    const url = req.url.split('?')[0] ?? '';
    if (PUBLIC.has(url) || url === '/api/session') return;
    const bearer = bearerOk(req);
    if (bearer === false) {
      const key = client(req);
      const wait = lockedFor(key);
      if (wait) return tooMany(reply, wait, false);
      failed(key);
      return reply.code(401).send({ error: '访问密码不对' });
    }
    if (bearer === true || sessionOf(req)) return;
    if (req.method === 'GET' && (url === '/' || url === '/index.html')) return reply.code(303).header('location', '/login').send();
    return reply.code(401).send({ error: '请先登录（登录已过期或尚未登录）' });
  });

  app.get('/api/session', async (req) => ({ login: secret !== null, signedIn: secret === null || sessionOf(req) !== null }));

  app.get('/login', async (_req, reply) => {
    if (!secret) return reply.code(303).header('location', '/').send();
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(loginPage(null));
  });

  app.post<{ Body: { password?: unknown } | undefined }>('/login', async (req, reply) => {
    if (!secret) return reply.code(303).header('location', '/').send();
    const html = !String(req.headers['content-type'] ?? '').includes('application/json');
    const key = client(req);
    const wait = lockedFor(key);
    if (wait) return tooMany(reply, wait, html);
    const given = req.body && typeof req.body === 'object' && typeof req.body.password === 'string' ? req.body.password : '';
    if (!given || !sameSecret(given, secret)) {
      failed(key);
      const left = lockedFor(key);
      if (left) return tooMany(reply, left, html);
      reply.code(401);
      const message = given ? '访问密码不对，请重新输入' : '请输入访问密码';
      return html ? reply.type('text/html; charset=utf-8').send(loginPage(message)) : reply.send({ error: message });
    }
    failures.delete(key);
    if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value as string);
    const id = randomBytes(32).toString('base64url');
    sessions.set(id, Date.now());
    reply.header('set-cookie', cookie(id, Math.floor(idleMs / 1000))).header('cache-control', 'no-store');
    return html ? reply.code(303).header('location', '/').send() : reply.send({ ok: true });
  });

  app.post('/logout', async (req, reply) => {
    const id = cookies(req.headers.cookie)[SESSION_COOKIE];
    if (id) sessions.delete(id);
    reply.header('set-cookie', cookie('', 0));
    const html = !String(req.headers['content-type'] ?? '').includes('application/json');
    return html ? reply.code(303).header('location', secret ? '/login' : '/').send() : reply.send({ ok: true });
  });
}
