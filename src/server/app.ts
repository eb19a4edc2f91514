import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import fastifyMultipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { writeZip } from '../ooxml/index.js';
import { type InputRecord, type Summary, annotatedPaths, compareText, departmentFileNames, ensureDir, insideDir } from '../report/index.js';
import type { Finding } from '../rules/index.js';
import { allRuleMetas } from '../rules/index.js';
import { HttpError, contentDisposition, drainRequest } from './http-util.js';
import { PAGE_CSP, pageAssets } from './page.js';
import { type AuditState, AuditStore, isAuditId } from './store.js';
import { type UploadLimits, multipartError, partsAllowed, receiveUpload } from './upload.js';

export interface AppOptions {
  /** Uploads and results: `dataDir/audits/<id>/{input,ledger,rules.json,out,status.json}`. */
  dataDir: string;
  /** Per uploaded file (default 20 MB). */
  maxFileBytes?: number;
  /** Workbooks per audit (default 1000). */
  maxFiles?: number;
  /** One upload in all (default 512 MB). */
  maxTotalBytes?: number;
  /** Reader processes per audit (default: the number of cores). */
  jobs?: number;
  /** Per file: a parse that takes longer is stopped and reported as file.unreadable (default 60 s). */
  timeoutMs?: number;
  /** Per reader process: V8 heap in MB (default 1024). */
  memoryMb?: number;
  /** Audits allowed to wait in the queue before new uploads get 503 (default 50). */
  maxQueued?: number;
  /** Fastify logger option (default off). */
  logger?: boolean | { level: string };
}

export const DEFAULT_LIMITS = {
  maxFileBytes: 20 * 1024 * 1024,
  maxFiles: 1000,
  maxTotalBytes: 512 * 1024 * 1024,
  maxQueued: 50,
} as const;

interface FindingsDoc {
  tool: { name: string; version: string };
  inputs: InputRecord[];
  findings: Finding[];
  summary: Summary;
}

const MIME: Record<string, string> = {
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.zip': 'application/zip',
};

type IdParams = { id: string };

/**
 * The web service of `recon serve`: upload a bureau's submissions, audit them with the same engine and worker
 * pool as `recon audit` (one audit at a time, the others queued), review the findings, download the 整改清单.
 * Not listening: call `listen()` (tests: `{ port: 0, host: '127.0.0.1' }`).
 */
export function buildApp(opts: AppOptions): FastifyInstance {
  const limits: UploadLimits = {
    maxFileBytes: opts.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes,
    maxFiles: opts.maxFiles ?? DEFAULT_LIMITS.maxFiles,
    maxTotalBytes: opts.maxTotalBytes ?? DEFAULT_LIMITS.maxTotalBytes,
  };
  const maxQueued = opts.maxQueued ?? DEFAULT_LIMITS.maxQueued;
  const app = Fastify({ logger: opts.logger ?? false, forceCloseConnections: 'idle' });
  const store = new AuditStore(path.resolve(opts.dataDir), { jobs: opts.jobs, timeoutMs: opts.timeoutMs, memoryMb: opts.memoryMb }, (msg, err) =>
    app.log.error({ err }, msg),
  );
  const sseStreams = new Set<() => void>();
  const docCache = new Map<string, FindingsDoc>();
  let closing: Promise<void> | null = null;

  app.register(fastifyMultipart, { limits: { fileSize: limits.maxFileBytes, files: partsAllowed(limits) } });
  app.decorate('auditStore', store);

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
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
    const fe = err as { statusCode?: number; code?: string; message?: string };
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return reply.code(415).send({ error: '请以 multipart/form-data 上传（字段 files、ledger、rules）' });
    if (fe.statusCode === 413) return reply.code(413).send({ error: '上传文件过大' });
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
      return reply.code(fe.statusCode).send({ error: `请求有误：${fe.message ?? ''}` });
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: '服务器内部错误，请稍后再试' });
  });

  const view = (s: AuditState) => ({ ...s, queuePosition: store.queuePosition(s.id) });

  function audit(req: FastifyRequest<{ Params: IdParams }>): AuditState {
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

  function findingsDoc(id: string): FindingsDoc {
    const cached = docCache.get(id);
    if (cached) return cached;
    const doc = JSON.parse(readFileSync(insideDir(store.outDir(id), 'findings.json'), 'utf8')) as FindingsDoc;
    docCache.set(id, doc);
    if (docCache.size > 16) docCache.delete(docCache.keys().next().value as string);
    return doc;
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

  // ---- the page -------------------------------------------------------------------------------------------
  for (const [url, asset] of pageAssets())
    app.get(url, async (_req, reply) =>
      reply.type(asset.type).header('content-security-policy', PAGE_CSP).header('cache-control', 'no-cache').send(asset.body),
    );
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());

  // ---- reference --------------------------------------------------------------------------------------------
  app.get('/api/rules', async () => allRuleMetas.map((m) => ({ id: m.id, severity: m.severity, title: m.title })));
  app.get('/api/audits', async () => store.list().map(view));

  // ---- upload ---------------------------------------------------------------------------------------------------
  app.post<{ Querystring: { wait?: string } }>('/api/audits', async (req, reply) => {
    const id = randomUUID();
    const dir = store.auditDir(id);
    let upload: Awaited<ReturnType<typeof receiveUpload>>;
    try {
      if (store.isClosed) throw new HttpError(503, '服务正在关闭，请稍后再试');
      if (store.queued >= maxQueued) {
        reply.header('retry-after', '60');
        throw new HttpError(503, `排队的审核已有 ${store.queued} 个，请稍后再上传`);
      }
      ensureDir(dir);
      upload = await receiveUpload(req, dir, limits);
    } catch (err) {
      // Nothing of a refused or broken upload is kept, and no audit starts from it.
      rmSync(dir, { recursive: true, force: true });
      const drained = await drainRequest(req.raw, Math.min(limits.maxTotalBytes, 256 * 1024 * 1024));
      if (!drained) reply.header('connection', 'close');
      throw multipartError(err, limits);
    }
    const state = store.enqueue(id, upload.files.length);
    const extra = { files: upload.files.length, skipped: upload.skipped, ledger: upload.ledger, rules: upload.rules };
    const wait = req.query.wait;
    if (wait !== undefined && wait !== '0' && wait !== 'false') {
      const final = await store.waitFor(id);
      return reply.code(final.status === 'done' || final.status === 'failed' ? 200 : 202).send({ ...view(final), ...extra });
    }
    return reply
      .code(202)
      .header('location', `/api/audits/${id}`)
      .send({ id, status: state.status, summary: null, error: null, queuePosition: store.queuePosition(id), ...extra });
  });

  // ---- state ------------------------------------------------------------------------------------------------------
  app.get<{ Params: IdParams }>('/api/audits/:id', async (req, reply) => {
    const s = audit(req);
    if (s.status === 'queued' || s.status === 'running') return reply.code(202).send(view(s));
    if (s.status === 'failed') return reply.code(422).send({ ...view(s), error: s.error ?? '审核失败' });
    const file = insideDir(store.outDir(s.id), 'findings.json');
    return reply.type('application/json; charset=utf-8').header('cache-control', 'no-store').send(readFileSync(file));
  });

  app.get<{ Params: IdParams }>('/api/audits/:id/status', async (req) => view(audit(req)));

  app.delete<{ Params: IdParams }>('/api/audits/:id', async (req, reply) => {
    const r = store.remove(req.params.id);
    if (r === 'unknown') throw new HttpError(404, '没有这个审核（编号不存在或已删除）');
    if (r === 'running') throw new HttpError(409, '审核正在进行，完成后才能删除');
    docCache.delete(req.params.id);
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
    const doc = findingsDoc(s.id);
    const byDept = doc.summary.byDepartment;
    const names = departmentFileNames(Object.keys(byDept));
    const corrDir = insideDir(store.outDir(s.id), 'corrections');
    const counts = new Map<string, number>();
    for (const f of doc.findings) counts.set(f.department ?? '未知部门', (counts.get(f.department ?? '未知部门') ?? 0) + 1);
    return Object.entries(byDept)
      .map(([department, c]) => {
        const file = names[department] ?? null;
        const have = file !== null && existsSync(insideDir(corrDir, `${file}.xlsx`));
        return { department, file: have ? file : null, errors: c.errors, warnings: c.warnings, infos: c.infos, findings: counts.get(department) ?? 0 };
      })
      .sort((a, b) => b.errors - a.errors || b.warnings - a.warnings || b.infos - a.infos || compareText(a.department, b.department));
  });

  app.get<{ Params: IdParams }>('/api/audits/:id/files', async (req) => {
    const s = finished(req);
    const out = store.outDir(s.id);
    const annotatedDir = insideDir(out, 'annotated');
    const inputs = findingsDoc(s.id).inputs;
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
    return sendFile(reply, insideDir(store.outDir(s.id), 'summary.xlsx'), '审核汇总.xlsx');
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
    // The lists of one audit are small (a few KB per department): made in memory by the one ZIP writer of ooxml/.
    const parts = names
      .filter((n) => {
        const ext = path.extname(n).toLowerCase();
        return (ext === '.xlsx' || ext === '.csv') && (!format || format === 'all' || `.${format}` === ext);
      })
      .map((n) => ({ name: `整改清单/${n}`, data: readFileSync(insideDir(dir, n)) }));
    return reply
      .type(MIME['.zip'] as string)
      .header('content-disposition', contentDisposition(`整改清单-${s.id.slice(0, 8)}.zip`))
      .header('cache-control', 'no-store')
      .send(writeZip(parts));
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
