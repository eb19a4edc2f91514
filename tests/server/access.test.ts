/**
 * Item 7 of issue 17: who may use `recon serve`, and from where. Bound to 127.0.0.1 without a password by default;
 * another address refuses to start without an access password or a token; the login page, the session cookie, the
 * Host check (DNS rebinding) and the Origin check (CSRF) on every request that changes something, failed logins
 * limited per client, logout.
 */
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { servePlan } from '../../src/cli/serve.js';
import { sameSecret, startServer } from '../../src/server/index.js';
import { type Server, auditDirs, form, start, stopAll } from './helpers.js';

afterAll(stopAll);

const SECRET = 'correct horse battery staple';
const SAMPLE = '项目名称,预算\r\n项目,1\r\n';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request with exactly the headers given (Host and Origin included), as a browser or an attacker would send. */
function request(s: Server, method: string, p: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Answer> {
  const url = new URL(s.base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: p, headers: { host: url.host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** A multipart upload of one small CSV, as bytes with its content type. */
async function upload(): Promise<{ body: Buffer; type: string }> {
  const r = new Response(form([['files', SAMPLE, '部门/表.csv']]));
  return { body: Buffer.from(await r.arrayBuffer()), type: r.headers.get('content-type')! };
}

const same = (s: Server) => ({ origin: s.base });

describe('recon serve on another address than 127.0.0.1', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'recon-access-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start without an access password, saying how (exit 2)', async () => {
    let err = '';
    const code = await main(['serve', '--host', '0.0.0.0', '--data', dir], { cwd: dir, out: () => {}, err: (t) => (err += t), tty: null });
    expect(code).toBe(2);
    expect(err).toContain('拒绝启动：在 0.0.0.0 上提供服务');
    expect(err).toContain('--password-file');
    expect(err).toContain('RECON_PASSWORD');
    expect(err).toContain('--token');
    await expect(startServer({ dataDir: dir, host: '0.0.0.0', port: 0 })).rejects.toThrow(/需要访问密码/);
  });

  it('takes the password from a file or RECON_PASSWORD, or makes a token and prints it; never too short', () => {
    const file = path.join(dir, 'password.txt');
    writeFileSync(file, `${SECRET}\n`);
    const fromFile = servePlan(['--host', '0.0.0.0', '--password-file', 'password.txt'], { cwd: dir }, {});
    expect(fromFile.options.access?.secret).toBe(SECRET);
    expect(servePlan(['--host', '0.0.0.0'], { cwd: dir }, { RECON_PASSWORD: SECRET }).options.access?.secret).toBe(SECRET);
    const token = servePlan(['--host', '0.0.0.0', '--token'], { cwd: dir }, {});
    const secret = token.options.access?.secret ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(token.notes.join('\n')).toContain(`访问令牌：${secret}`);
    expect(servePlan(['--host', '0.0.0.0', '--token'], { cwd: dir }, {}).options.access?.secret).not.toBe(secret);
    writeFileSync(file, 'short\n');
    expect(() => servePlan(['--host', '0.0.0.0', '--password-file', 'password.txt'], { cwd: dir }, {})).toThrow(/访问密码至少 8 个字符/);
    expect(() => servePlan(['--host', '0.0.0.0', '--token'], { cwd: dir }, { RECON_PASSWORD: SECRET })).toThrow(/只能用一种/);
    // the default needs nothing
    expect(servePlan([], { cwd: dir }, {}).options).toMatchObject({ host: '127.0.0.1', access: { secret: null } });
  });

  it('compares secrets in constant time, and right', () => {
    expect(sameSecret(SECRET, SECRET)).toBe(true);
    expect(sameSecret(`${SECRET}x`, SECRET)).toBe(false);
    expect(sameSecret('', SECRET)).toBe(false);
  });
});

describe('Host and Origin checks (no password: 127.0.0.1)', () => {
  let s: Server;
  beforeAll(async () => {
    s = await start();
  });

  it('answers the loopback names with its port, and refuses any other Host (DNS rebinding), reads included', async () => {
    const port = new URL(s.base).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) expect((await request(s, 'GET', '/api/audits', { host })).status).toBe(200);
    for (const host of [`evil.example:${port}`, `127.0.0.1:1${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`]) {
      const r = await request(s, 'GET', '/api/audits', { host });
      expect(r.status, host).toBe(421);
      expect(JSON.parse(r.body).error).toMatch(/^拒绝访问/);
    }
  });

  it('refuses a cross-site POST, PATCH and DELETE (CSRF), and keeps nothing of it', async () => {
    const { body, type } = await upload();
    const before = auditDirs(s).length;
    const attempts: Record<string, string>[] = [{ origin: 'http://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { origin: `http://localhost:${new URL(s.base).port}` }];
    for (const headers of attempts) {
      const r = await request(s, 'POST', '/api/audits', { ...headers, 'content-type': type }, body);
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(r.body).error).toMatch(/^拒绝跨站请求/);
    }
    expect(auditDirs(s).length).toBe(before);
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await request(s, 'DELETE', `/api/audits/${id}`, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await request(s, 'PATCH', `/api/audits/${id}`, { origin: 'http://evil.example', 'content-type': 'application/json' }, '{"name":"x"}')).status).toBe(403);
    // the page's own requests, and a script's (no Origin at all), go through
    expect((await request(s, 'POST', '/api/audits', { ...same(s), 'content-type': type }, body)).status).toBe(202);
    expect((await request(s, 'POST', '/api/audits', { 'content-type': type }, body)).status).toBe(202);
  });

  it('has no login: /login leads to the page, the session says so', async () => {
    expect((await request(s, 'GET', '/login')).status).toBe(303);
    expect(JSON.parse((await request(s, 'GET', '/api/session')).body)).toEqual({ login: false, signedIn: true });
  });
});

describe('with an access password', () => {
  let s: Server;
  beforeAll(async () => {
    s = await start({ access: { secret: SECRET, secureCookie: false } });
  });

  it('sends the page to the login page, and answers the API 401 in Chinese', async () => {
    const page = await request(s, 'GET', '/');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/login');
    const api = await request(s, 'GET', '/api/audits');
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body).error).toMatch(/请先登录/);
    for (const p of ['/app.js', '/api/audits/00000000-0000-4000-8000-000000000000/findings.json']) expect((await request(s, 'GET', p)).status).toBe(401);
    const login = await request(s, 'GET', '/login');
    expect(login.status).toBe(200);
    expect(login.body).toContain('访问密码');
    expect(login.body).toContain('<form method="post" action="/login"');
    expect(login.body).not.toMatch(/<script/);
    const csp = String(login.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect((await request(s, 'GET', '/app.css')).status).toBe(200);
  });

  it('logs in with the password: an HttpOnly, SameSite=Strict session cookie; logs out', async () => {
    const wrong = await request(s, 'POST', '/login', { ...same(s), 'content-type': 'application/x-www-form-urlencoded' }, 'password=guess');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('访问密码不对，请重新输入');
    expect(wrong.headers['set-cookie']).toBeUndefined();

    const ok = await request(s, 'POST', '/login', { ...same(s), 'content-type': 'application/x-www-form-urlencoded' }, `password=${encodeURIComponent(SECRET)}`);
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/');
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(/^recon_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    const session = cookie.split(';')[0]!;
    expect((await request(s, 'GET', '/', { cookie: session })).status).toBe(200);
    expect((await request(s, 'GET', '/api/audits', { cookie: session })).status).toBe(200);
    expect(JSON.parse((await request(s, 'GET', '/api/session', { cookie: session })).body)).toEqual({ login: true, signedIn: true });

    // a signed-in clerk's browser tricked into a cross-site post: refused all the same
    const { body, type } = await upload();
    expect((await request(s, 'POST', '/api/audits', { cookie: session, origin: 'http://evil.example', 'content-type': type }, body)).status).toBe(403);
    expect((await request(s, 'POST', '/api/audits', { cookie: session, ...same(s), 'content-type': type }, body)).status).toBe(202);
    // a login form posted from another site (login CSRF) too
    expect((await request(s, 'POST', '/login', { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, `password=${SECRET}`)).status).toBe(403);

    const out = await request(s, 'POST', '/logout', { cookie: session, ...same(s) });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await request(s, 'GET', '/api/audits', { cookie: session })).status).toBe(401);
  });

  it('lets scripts use the password as a Bearer token', async () => {
    expect((await request(s, 'GET', '/api/audits', { authorization: `Bearer ${SECRET}` })).status).toBe(200);
    expect((await request(s, 'GET', '/api/audits', { authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('marks the cookie Secure when the service is reached over https', async () => {
    const secure = await start({ access: { secret: SECRET, secureCookie: true } });
    const ok = await request(secure, 'POST', '/login', { 'content-type': 'application/json' }, JSON.stringify({ password: SECRET }));
    expect(ok.status).toBe(200);
    expect(String(ok.headers['set-cookie'])).toContain('; Secure');
  });
});

describe('failed logins', () => {
  it('are limited per client: after 3 wrong passwords even the right one waits, with Retry-After and a Chinese message', async () => {
    const s = await start({ access: { secret: SECRET, loginAttempts: 3, loginWindowMs: 60_000 } });
    const login = (password: string) => request(s, 'POST', '/login', { ...same(s), 'content-type': 'application/x-www-form-urlencoded' }, `password=${encodeURIComponent(password)}`);
    expect((await login('one')).status).toBe(401);
    expect((await login('two')).status).toBe(401);
    const third = await login('three');
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(50);
    expect(third.body).toContain('登录失败次数过多，请 1 分钟后再试');
    const right = await login(SECRET);
    expect(right.status).toBe(429);
    expect(right.headers['set-cookie']).toBeUndefined();
    // a script guessing with Bearer is counted and stopped alike
    const bearer = await request(s, 'GET', '/api/audits', { authorization: 'Bearer guess' });
    expect(bearer.status).toBe(429);
    expect(JSON.parse(bearer.body).error).toMatch(/登录失败次数过多/);
  });
});
