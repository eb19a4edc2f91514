import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { annotatedPaths, compareText, ensureDir, insideDir, safeFileName } from '../report/index.js';
import { allRuleMetas } from '../rules/index.js';
import { type AccessOptions, registerAccess } from './access.js';
import { HttpError, contentDisposition, drainRequest, formatBytes, watchBody } from './http-util.js';
import { PAGE_CSP, pageAssets } from './page.js';
import { type ResultIndex, indexOf, readIndex } from './results.js';
import { type AuditState, type CorruptRecord, isAuditId, localDate } from './records.js';
import { AuditStore } from './store.js';
import { type UploadLimits, multipartError, partsAllowed, receiveUpload, storageError } from './upload.js';
import { type ZipSource, totalSize, zipStream } from './zip-out.js';

export interface AppOptions {
  /** Uploads and results: `dataDir/audits/<id>/{input,ledger,rules.json,out,status.json}`. */
  dataDir: string;
  /** Per uploaded file (default 20 MB). */
  maxFileBytes?: number | undefined;
  /** Workbooks per audit (default 1000). */
  maxFiles?: number | undefined;
  /** One upload in all (default 512 MB). */
  maxTotalBytes?: number | undefined;
  /** Reader processes per audit (default: the number of cores). */
  jobs?: number | undefined;
  /** Per file: a parse that takes longer is stopped and reported as file.unreadable (default 60 s). */
  timeoutMs?: number | undefined;
  /** Per reader process: V8 heap in MB (default 1024). */
  memoryMb?: number | undefined;
  /** One audit in all: one that takes longer is stopped and failed, and the next one starts (default 30 min). */
  auditTimeoutMs?: number | undefined;
  /** An upload that sends nothing for this long is cut off and nothing of it kept (default 30 s). */
  uploadIdleMs?: number | undefined;
  /** An upload not complete after this long is cut off and nothing of it kept (default 60 min). */
  uploadTimeoutMs?: number | undefined;
  /** Audits allowed to wait in the queue before new uploads get 503 (default 50). */
  maxQueued?: number | undefined;
  /** Login, Host and Origin checks (access.ts). */
  access?: AccessOptions | undefined;
  /** Fastify logger option (default off). */
  logger?: boolean | { level: string } | undefined;
}

export const DEFAULT_LIMITS = {
  maxFileBytes: 20 * 1024 * 1024,
  maxFiles: 1000,
  maxTotalBytes: 512 * 1024 * 1024,
  maxQueued: 50,
  uploadIdleMs: 30_000,
  uploadTimeoutMs: 60 * 60 * 1000,
} as const;

/** A department's bundle larger than this is refused (it would be a download of hours, and a disk's worth). */
const MAX_BUNDLE_BYTES = 2 * 1024 * 1024 * 1024;

const MIME: Record<string, string> = {
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.zip': 'application/zip',
};

type IdParams = { id: string };

/** What the history list shows of an audit. */
export type AuditView = AuditState & { queuePosition: number | null; previousName: string | null; date: string };
/** A record that could not be read back, as the list shows it. */
export type CorruptView = CorruptRecord & { status: 'corrupt'; name: string; error: string };

/**
 * The web service of `recon serve`: upload a bureau's submissions, audit them with the same engine as `recon audit`
 * (one audit at a time, in a process of its own, the others queued), compare a resubmission with an earlier audit,
 * review the findings, download the 整改清单 and each department's 整改材料. Not listening: call `listen()`
 * (tests: `{ port: 0, host: '127.0.0.1' }`).
 */
export function buildApp(opts: AppOptions): FastifyInstance {
  const limits: UploadLimits = {
    maxFileBytes: opts.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes,
    maxFiles: opts.maxFiles ?? DEFAULT_LIMITS.maxFiles,
    maxTotalBytes: opts.maxTotalBytes ?? DEFAULT_LIMITS.maxTotalBytes,
  };
  const maxQueued = opts.maxQueued ?? DEFAULT_LIMITS.maxQueued;
  const uploadIdleMs = opts.uploadIdleMs ?? DEFAULT_LIMITS.uploadIdleMs;
  const uploadTimeoutMs = opts.uploadTimeoutMs ?? DEFAULT_LIMITS.uploadTimeoutMs;
  // A department's list name may take 200 bytes of 4-byte characters: 600 characters once percent-encoded in a URL.
  const app = Fastify({ logger: opts.logger ?? false, forceCloseConnections: 'idle', routerOptions: { maxParamLength: 4096 } });
  const store = new AuditStore(
    path.resolve(opts.dataDir),
    { jobs: opts.jobs, timeoutMs: opts.timeoutMs, memoryMb: opts.memoryMb, auditTimeoutMs: opts.auditTimeoutMs },
    (msg, err) => (err === undefined ? app.log.warn(msg) : app.log.error({ err }, msg)),
  );
  const sseStreams = new Set<() => void>();
  const indexCache = new Map<string, ResultIndex>();
  let closing: Promise<void> | null = null;

  // A body that stalls or drags is cut off, whatever the route: an upload, a login form, a rename.
  app.addHook('onRequest', (req, _reply, done) => {
    watchBody(req.raw, uploadIdleMs, uploadTimeoutMs);
    done();
  });
  registerAccess(app, opts.access ?? {});
  app.register(fastifyMultipart, { limits: { fileSize: limits.maxFileBytes, files: partsAllowed(limits) } });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.decorate('auditStore', store);

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) reply.header('content-security-policy', PAGE_CSP).header('x-frame-options', 'DENY');
    return payload;
  });
  app.addHook('preClose', async () => {
    closing = store.close();
    for (const end of [...sseStreams]) end();
  });
  app.addHook('onClose', async () => {
    await (closing ?? store.close());
  });

  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send({ error: '未找到该地址' });
  });
  app.setErrorHandler((err, req, reply) => {
    const e = multipartError(err, limits);
    if (e instanceof HttpError) return reply.code(e.statusCode).send({ error: e.message });
    const stored = storageError(err);
    if (stored) return reply.code(stored.statusCode).send({ error: stored.message });
    const fe = err as { statusCode?: number; code?: string; message?: string };
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return reply.code(415).send({ error: '请以 multipart/form-data 上传（字段 files、ledger、rules）' });
    if (fe.statusCode === 413) return reply.code(413).send({ error: '上传文件过大' });
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
      return reply.code(fe.statusCode).send({ error: `请求有误：${fe.message ?? ''}` });
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: '服务器内部错误，请稍后再试' });
  });

  const view = (s: AuditState): AuditView => ({
    ...s,
    queuePosition: store.queuePosition(s.id),
    previousName: s.previous ? (store.get(s.previous)?.name ?? null) : null,
    date: localDate(new Date(s.createdAt)),
  });

  function audit(req: FastifyRequest<{ Params: IdParams }>): AuditState {
    if (store.isCorrupt(req.params.id)) throw new HttpError(422, '该审核的记录已损坏，无法打开：可在“历次审核”中删除');
    const s = store.get(req.params.id);
    if (!s) throw new HttpError(404, '没有这个审核（编号不存在或已删除）');
    return s;
  }

  function finished(req: FastifyRequest<{ Params: IdParams }>): AuditState {
    const s = audit(req);
    if (s.status === 'failed') throw new HttpError(422, s.error ?? '审核失败');
    if (s.status !== 'done') throw new HttpError(409, s.status === 'queued' ? '审核正在排队，尚无结果' : '审核正在进行，尚无结果');
    return s;
  }

  /**
   * The index of an audit's report: the one its process wrote beside it, else (an audit of an earlier version) made
   * here from findings.json, once. A report that cannot be read is said to be damaged, never a crash.
   */
  function resultIndex(id: string): ResultIndex {
    const cached = indexCache.get(id);
    if (cached) return cached;
    const out = store.outDir(id);
    let index = readIndex(out);
    if (!index) {
      try {
        index = indexOf(JSON.parse(readFileSync(insideDir(out, 'findings.json'), 'utf8')));
      } catch (err) {
        app.log.warn({ err }, `findings.json of ${id} unreadable`);
        throw new HttpError(422, '该审核的结果文件已损坏或缺失，无法打开：请删除后重新审核');
      }
    }
    indexCache.set(id, index);
    if (indexCache.size > 64) indexCache.delete(indexCache.keys().next().value as string);
    return index;
  }

  /** `2026年度 2026-12-06`, as a file name. */
  function auditFileName(s: AuditState): string {
    return safeFileName(s.name, '审核');
  }

  function sendFile(reply: FastifyReply, file: string, downloadName: string, disposition: 'attachment' | 'inline' = 'attachment') {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(file);
    } catch {
      throw new HttpError(404, '没有这个文件');
    }
    if (!st.isFile()) throw new HttpError(404, '没有这个文件');
    return reply
      .type(MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream')
      .header('content-length', st.size)
      .header('content-disposition', contentDisposition(downloadName, disposition))
      .header('cache-control', 'no-store')
      .send(createReadStream(file));
  }

  async function sendZip(reply: FastifyReply, sources: ZipSource[], downloadName: string) {
    const size = await totalSize(sources);
    if (size > MAX_BUNDLE_BYTES) throw new HttpError(413, `要打包的文件合计 ${formatBytes(size)}，过大：请分别下载`);
    return reply
      .type(MIME['.zip'] as string)
      .header('content-disposition', contentDisposition(downloadName))
      .header('cache-control', 'no-store')
      .send(zipStream(sources));
  }

  // ---- the page -------------------------------------------------------------------------------------------
  for (const [url, asset] of pageAssets())
    app.get(url, async (_req, reply) => reply.type(asset.type).header('content-security-policy', PAGE_CSP).header('cache-control', 'no-cache').send(asset.body));
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());

  // ---- reference --------------------------------------------------------------------------------------------
  app.get('/api/rules', async () => allRuleMetas.map((m) => ({ id: m.id, severity: m.severity, title: m.title })));

  // ---- history ------------------------------------------------------------------------------------------------
  app.get('/api/audits', async (): Promise<(AuditView | CorruptView)[]> => [
    ...store.list().map(view),
    ...store.corruptRecords().map((c): CorruptView => ({ ...c, status: 'corrupt', name: '记录损坏', error: `记录损坏：${c.reason}` })),
  ]);

  // ---- upload ---------------------------------------------------------------------------------------------------
  /** The audit to compare with: an id (done), `latest` (the newest done one, if any), `none`, or nothing (none). */
  function previousOf(value: string | null): string | null {
    if (value === null || value === '' || value === 'none') return null;
    if (value === 'latest') return store.latestDone()?.id ?? null;
    const s = isAuditId(value) ? store.get(value) : undefined;
    if (!s) throw new HttpError(400, '选择比较的上一轮审核不存在（可能已被删除），请重新选择');
    if (s.status !== 'done') throw new HttpError(400, `选择比较的审核“${s.name}”${s.status === 'failed' ? '失败了' : '尚未完成'}，没有可比较的结果，请重新选择`);
    return s.id;
  }

  app.post<{ Querystring: { wait?: string } }>('/api/audits', async (req, reply) => {
    const id = randomUUID();
    const dir = store.auditDir(id);
    let upload: Awaited<ReturnType<typeof receiveUpload>>;
    let state: AuditState;
    try {
      if (store.isClosed) throw new HttpError(503, '服务正在关闭，请稍后再试');
      if (store.queued >= maxQueued) {
        reply.header('retry-after', '60');
        throw new HttpError(503, `排队的审核已有 ${store.queued} 个，请稍后再上传`);
      }
      ensureDir(dir);
      upload = await receiveUpload(req, dir, limits);
      state = store.enqueue(id, upload.files.length, { name: upload.name, previous: previousOf(upload.previous) });
    } catch (err) {
      // Nothing of a refused, broken, stalled or unstorable upload is kept, and no audit starts from it.
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch (rmErr) {
        req.log.error({ err: rmErr }, `upload ${id} not removed`);
      }
      const stored = storageError(err);
      if (stored?.statusCode === 503) reply.header('retry-after', '60');
      const drained = await drainRequest(req.raw, Math.min(limits.maxTotalBytes, 256 * 1024 * 1024));
      if (!drained) reply.header('connection', 'close');
      throw stored ?? multipartError(err, limits);
    }
    const extra = { files: upload.files.length, skipped: upload.skipped, ledger: upload.ledger, rules: upload.rules };
    const wait = req.query.wait;
    if (wait !== undefined && wait !== '0' && wait !== 'false') {
      const final = await store.waitFor(id);
      return reply.code(final.status === 'done' || final.status === 'failed' ? 200 : 202).send({ ...view(final), ...extra });
    }
    return reply
      .code(202)
      .header('location', `/api/audits/${id}`)
      .send({ ...view(state), summary: null, error: null, ...extra });
  });

  // ---- state ------------------------------------------------------------------------------------------------------
  app.get<{ Params: IdParams }>('/api/audits/:id', async (req, reply) => {
    const s = audit(req);
    if (s.status === 'queued' || s.status === 'running') return reply.code(202).send(view(s));
    if (s.status === 'failed') return reply.code(422).send({ ...view(s), error: s.error ?? '审核失败' });
    const file = insideDir(store.outDir(s.id), 'findings.json');
    if (!existsSync(file)) throw new HttpError(422, '该审核的结果文件已损坏或缺失，无法打开：请删除后重新审核');
    return reply.type('application/json; charset=utf-8').header('cache-control', 'no-store').send(createReadStream(file));
  });

  app.get<{ Params: IdParams }>('/api/audits/:id/status', async (req) => view(audit(req)));

  app.patch<{ Params: IdParams; Body: unknown }>('/api/audits/:id', { bodyLimit: 16 * 1024 }, async (req) => {
    audit(req);
    const body = req.body as { name?: unknown } | null;
    if (!body || typeof body !== 'object' || typeof body.name !== 'string') throw new HttpError(400, '请以 JSON 提交新名称：{"name": "…"}');
    const r = store.rename(req.params.id, body.name);
    if (r === 'unknown') throw new HttpError(404, '没有这个审核（编号不存在或已删除）');
    if (r === 'empty') throw new HttpError(400, '名称不能为空');
    return view(r);
  });

  app.delete<{ Params: IdParams }>('/api/audits/:id', async (req, reply) => {
    const r = store.remove(req.params.id);
    if (r === 'unknown') throw new HttpError(404, '没有这个审核（编号不存在或已删除）');
    if (r === 'running') throw new HttpError(409, '审核正在进行，完成后才能删除');
    indexCache.delete(req.params.id);
    return reply.code(204).send();
  });

  app.get<{ Params: IdParams }>('/api/audits/:id/events', (req, reply) => {
    const first = audit(req);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    let ended = false;
    let off = () => {};
    let heartbeat: NodeJS.Timeout | undefined;
    const end = () => {
      if (ended) return;
      ended = true;
      off();
      clearInterval(heartbeat);
      sseStreams.delete(end);
      res.end();
    };
    const onState = (s: AuditState) => {
      if (ended) return;
      const final = s.status === 'done' || s.status === 'failed';
      res.write(`event: ${final ? 'done' : 'progress'}\ndata: ${JSON.stringify(view(s))}\n\n`);
      if (final) end();
    };
    sseStreams.add(end);
    res.on('close', end);
    res.write('retry: 2000\n\n');
    off = store.subscribe(first.id, onState);
    heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
    onState(store.get(first.id) ?? first);
  });

  // ---- results ------------------------------------------------------------------------------------------------------
  app.get<{ Params: IdParams }>('/api/audits/:id/departments', async (req) => {
    const s = finished(req);
    const corrDir = insideDir(store.outDir(s.id), 'corrections');
    return resultIndex(s.id)
      .departments.map((d) => ({
        department: d.department,
        file: existsSync(insideDir(corrDir, `${d.list}.xlsx`)) ? d.list : null,
        errors: d.counts.errors,
        warnings: d.counts.warnings,
        infos: d.counts.infos,
        findings: d.findings,
        progress: d.progress,
      }))
      .sort((a, b) => b.errors - a.errors || b.warnings - a.warnings || b.infos - a.infos || compareText(a.department, b.department));
  });

  app.get<{ Params: IdParams }>('/api/audits/:id/files', async (req) => {
    const s = finished(req);
    const out = store.outDir(s.id);
    const annotatedDir = insideDir(out, 'annotated');
    const inputs = resultIndex(s.id).inputs;
    const copies = annotatedPaths(out, inputs.map((i) => i.file));
    return inputs.map((i) => {
      const p = copies.get(i.file)!;
      return { file: i.file, status: i.status, sheets: i.sheets, annotated: existsSync(p) ? path.relative(annotatedDir, p).split(path.sep).join('/') : null };
    });
  });

  app.get<{ Params: IdParams }>('/api/audits/:id/findings.json', async (req, reply) => {
    const s = finished(req);
    return sendFile(reply, insideDir(store.outDir(s.id), 'findings.json'), 'findings.json');
  });

  app.get<{ Params: IdParams }>('/api/audits/:id/summary.xlsx', async (req, reply) => {
    const s = finished(req);
    return sendFile(reply, insideDir(store.outDir(s.id), 'summary.xlsx'), `${auditFileName(s)}-审核汇总.xlsx`);
  });

  app.get<{ Params: IdParams & { name: string } }>('/api/audits/:id/corrections/:name', async (req, reply) => {
    const s = finished(req);
    const name = req.params.name;
    const ext = path.extname(name).toLowerCase();
    if ((ext !== '.xlsx' && ext !== '.csv') || name.includes('/') || name.includes('\\') || name.startsWith('.'))
      throw new HttpError(404, '没有这个整改清单');
    let file: string;
    try {
      file = insideDir(store.outDir(s.id), 'corrections', name);
    } catch {
      throw new HttpError(404, '没有这个整改清单');
    }
    if (!existsSync(file)) throw new HttpError(404, '没有这个整改清单');
    return sendFile(reply, file, `整改清单-${name}`);
  });

  app.get<{ Params: IdParams; Querystring: { format?: string } }>('/api/audits/:id/corrections.zip', async (req, reply) => {
    const s = finished(req);
    const format = req.query.format;
    const dir = insideDir(store.outDir(s.id), 'corrections');
    const names = existsSync(dir) ? readdirSync(dir).sort() : [];
    const sources = names
      .filter((n) => {
        const ext = path.extname(n).toLowerCase();
        return (ext === '.xlsx' || ext === '.csv') && (!format || format === 'all' || `.${format}` === ext);
      })
      .map((n) => ({ name: `整改清单/${n}`, file: insideDir(dir, n) }));
    const date = localDate(new Date(s.createdAt));
    const base = auditFileName(s);
    return sendZip(reply, sources, `${base}${base.includes(date) ? '' : `-${date}`}-全部整改清单.zip`);
  });

  /**
   * One department's 整改材料: its 整改清单 (Excel and CSV) and the annotated copies of its workbooks, as
   * `部门名称-整改材料-日期.zip`. `:name` is the department's list name (from /departments) with `.zip`.
   */
  app.get<{ Params: IdParams & { name: string } }>('/api/audits/:id/bundles/:name', async (req, reply) => {
    const s = finished(req);
    const requested = req.params.name.replace(/\.zip$/i, '');
    const entry = resultIndex(s.id).departments.find((d) => d.list === requested);
    if (!entry) throw new HttpError(404, '没有这个部门的整改材料');
    const out = store.outDir(s.id);
    const sources: ZipSource[] = [];
    for (const ext of ['xlsx', 'csv']) {
      const file = insideDir(out, 'corrections', `${requested}.${ext}`);
      if (existsSync(file)) sources.push({ name: `${requested}-整改清单.${ext}`, file });
    }
    const annotatedDir = insideDir(out, 'annotated');
    for (const [, copy] of annotatedPaths(out, entry.files))
      if (existsSync(copy)) sources.push({ name: `带批注的原工作簿/${path.relative(annotatedDir, copy).split(path.sep).join('/')}`, file: copy });
    if (!sources.length) throw new HttpError(404, '没有这个部门的整改材料');
    return sendZip(reply, sources, `${requested}-整改材料-${localDate(new Date(s.createdAt))}.zip`);
  });

  app.get<{ Params: IdParams & { '*': string } }>('/api/audits/:id/annotated/*', async (req, reply) => {
    const s = finished(req);
    const segments = req.params['*'].split('/');
    if (!segments.length || segments.some((x) => x === '' || x === '.' || x === '..' || x.includes('\\')))
      throw new HttpError(404, '没有这个文件');
    let file: string;
    try {
      file = insideDir(store.outDir(s.id), 'annotated', ...segments);
    } catch {
      throw new HttpError(404, '没有这个文件');
    }
    return sendFile(reply, file, `批注-${segments[segments.length - 1] ?? 'annotated.xlsx'}`);
  });

  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    auditStore: AuditStore;
  }
}

export { isAuditId };
