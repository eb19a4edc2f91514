import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as XLSX from 'xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDisposition } from '../../src/server/http-util.js';
import { isWorkbookUpload, uploadSegments } from '../../src/server/upload.js';
import { parseFindings } from '../helpers/findings.js';
import { type Part, type Server, auditDirs, post, start, stop, stopAll } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE_DIR = path.join(ROOT, 'samples', '政法委');
const SAMPLES = readdirSync(SAMPLE_DIR)
  .filter((f) => f.endsWith('.xlsx'))
  .sort()
  .map((name) => ({ name, data: readFileSync(path.join(SAMPLE_DIR, name)) }));

afterAll(stopAll);

const sampleParts = (prefix = '政法委/'): Part[] => SAMPLES.map((f) => ['files', f.data, `${prefix}${f.name}`] as Part);

/** The server-sent events of one audit until the stream ends. */
async function events(s: Server, id: string): Promise<{ event: string; data: Record<string, any> }[]> {
  const res = await fetch(`${s.base}/api/audits/${id}/events`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await res.text();
  return text
    .split('\n\n')
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      return event && data ? { event, data: JSON.parse(data) as Record<string, any> } : null;
    })
    .filter((e): e is { event: string; data: Record<string, any> } => e !== null);
}

describe('upload helpers', () => {
  it('keeps folder structure but never leaves the folder', () => {
    expect(uploadSegments('政法委/雪亮工程.xlsx')).toEqual(['政法委', '雪亮工程.xlsx']);
    expect(uploadSegments('../../evil.xlsx')).toEqual(['evil.xlsx']);
    expect(uploadSegments('..\\..\\a\\b.csv')).toEqual(['a', 'b.csv']);
    expect(uploadSegments('/etc/x.xls')).toEqual(['etc', 'x.xls']);
    expect(uploadSegments('a/<con>:?.xlsx')).toEqual(['a', '_con___.xlsx']);
    // a long or odd name keeps its extension, or the audit would never see the file
    const long = `${'很长的文件名'.repeat(15)}.xlsx`;
    const [dir, kept] = uploadSegments(`部门/${long}`);
    expect([dir, kept?.endsWith('.xlsx'), Array.from(kept ?? '').length <= 85]).toEqual(['部门', true, true]);
    expect(uploadSegments('部门/ .xlsx')).toEqual(['部门', '未命名.xlsx']);
    expect(isWorkbookUpload('a/b.XLSX')).toBe(true);
    expect(isWorkbookUpload('a/~$b.xlsx')).toBe(false);
    expect(isWorkbookUpload('.git/b.xlsx')).toBe(false);
    expect(isWorkbookUpload('说明.docx')).toBe(false);
  });

  it('names downloads in RFC 5987 form', () => {
    const cd = contentDisposition('007-政法委.xlsx');
    expect(cd).toMatch(/^attachment; filename="[\x20-\x7e]+\.xlsx"; filename\*=UTF-8''/);
    expect(decodeURIComponent(cd.split("UTF-8''")[1] ?? '')).toBe('007-政法委.xlsx');
  });
});

describe('the audit API over HTTP', () => {
  let s: Server;
  let id: string;
  let summary: Record<string, any>;

  beforeAll(async () => {
    s = await start();
    const r = await post(s, sampleParts(), '?wait=1');
    expect(r.status).toBe(200);
    id = r.body.id as string;
    summary = r.body.summary as Record<string, any>;
  });

  it('audits the three samples: 3 tables, 0 errors, 2 narrative warnings', () => {
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(summary).toMatchObject({ files: 3, audited: 3, tables: 3, errors: 0, warnings: 2 });
    expect(summary.byRule['narrative.mismatch']).toBe(2);
  });

  it('serves the page in Chinese', async () => {
    const res = await fetch(`${s.base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    // scripts from this server only: the page has no inline script, its script is a file of its own
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    // nor inline style: the page's styles are all in app.css
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text();
    expect(html).toContain('<title>绩效自评表审核</title>');
    expect(html).toContain('下载全部整改清单（zip）');
    expect(html).not.toMatch(/<script>|<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).toContain('<script src="/app.js"></script>');
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/);
    const js = await fetch(`${s.base}/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).toContain("'use strict'");
    const css = await fetch(`${s.base}/app.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('answers findings.json when done', async () => {
    const res = await fetch(`${s.base}/api/audits/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = parseFindings(await res.text());
    expect(doc.inputs).toHaveLength(3);
    expect(doc.inputs.every((i) => i.status === 'audited')).toBe(true);
    expect(doc.inputs.map((i) => i.file)).toEqual(SAMPLES.map((f) => `政法委/${f.name}`));
    expect(doc.findings).toHaveLength(summary.findings);
    expect(doc.summary).toEqual(summary);
    const narrative = doc.findings.filter((f) => f.rule === 'narrative.mismatch');
    expect(narrative.map((f) => f.actual).sort()).toEqual(['258.03 万元', '749.41 万元']);
  });

  it('reports status and a final done event', async () => {
    const st = (await (await fetch(`${s.base}/api/audits/${id}/status`)).json()) as Record<string, any>;
    expect(st).toMatchObject({ id, status: 'done', done: 3, total: 3, error: null });
    expect(st.summary).toEqual(summary);
    expect(typeof st.createdAt).toBe('string');
    const onDisk = JSON.parse(readFileSync(path.join(s.dataDir, 'audits', id, 'status.json'), 'utf8'));
    expect(onDisk).toMatchObject({ id, status: 'done', done: 3, total: 3, error: null });
    const ev = await events(s, id);
    expect(ev.at(-1)).toMatchObject({ event: 'done', data: { id, status: 'done' } });
    const list = (await (await fetch(`${s.base}/api/audits`)).json()) as { id: string }[];
    expect(list.map((a) => a.id)).toContain(id);
  });

  it('lists departments ranked, with the correction-list file names', async () => {
    const res = await fetch(`${s.base}/api/audits/${id}/departments`);
    expect(res.status).toBe(200);
    const depts = (await res.json()) as { department: string; file: string; errors: number; warnings: number; infos: number }[];
    expect(depts).toHaveLength(1);
    expect(depts[0]).toMatchObject({ department: '007-中国共产党大同市云州区委员会政法委员会', errors: 0, warnings: 2 });
    expect(depts[0]?.file).toBe('007-中国共产党大同市云州区委员会政法委员会');
  });

  it('downloads a department correction list as xlsx and csv', async () => {
    const doc = parseFindings(await (await fetch(`${s.base}/api/audits/${id}`)).text());
    const dept = '007-中国共产党大同市云州区委员会政法委员会';
    const own = doc.findings.filter((f) => f.department === dept);
    const res = await fetch(`${s.base}/api/audits/${id}/corrections/${encodeURIComponent(`${dept}.xlsx`)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const cd = res.headers.get('content-disposition') ?? '';
    expect(cd).toContain("filename*=UTF-8''");
    expect(decodeURIComponent(cd.split("UTF-8''")[1] ?? '')).toContain(dept);
    const wb = XLSX.read(Buffer.from(await res.arrayBuffer()), { type: 'buffer' });
    const sheet = wb.Sheets[wb.SheetNames[0] ?? ''];
    expect(wb.SheetNames[0]).toBe('整改清单');
    const rows = XLSX.utils.sheet_to_json<unknown[]>(sheet!, { header: 1, blankrows: true });
    // the heading (整改清单, 主管部门 …, a blank row), then the header and one row per finding
    expect(rows[1]).toEqual(['主管部门', dept]);
    expect(rows[7]).toContain('问题说明');
    expect(rows.length - 8).toBe(own.length);

    const csv = await fetch(`${s.base}/api/audits/${id}/corrections/${encodeURIComponent(`${dept}.csv`)}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.trimEnd().split('\r\n')).toHaveLength(own.length + 8);
  });

  it('downloads the zip of all correction lists, the summary workbook and annotated copies', async () => {
    const zip = await fetch(`${s.base}/api/audits/${id}/corrections.zip`);
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    const buf = Buffer.from(await zip.arrayBuffer());
    expect(buf.length).toBeGreaterThan(1000);
    expect(buf.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(buf.includes(Buffer.from('007-中国共产党大同市云州区委员会政法委员会.xlsx'))).toBe(true);

    const sum = await fetch(`${s.base}/api/audits/${id}/summary.xlsx`);
    expect(sum.status).toBe(200);
    expect(Buffer.from(await sum.arrayBuffer()).subarray(0, 2).toString('latin1')).toBe('PK');

    const files = (await (await fetch(`${s.base}/api/audits/${id}/files`)).json()) as { file: string; annotated: string | null }[];
    expect(files).toHaveLength(3);
    const ann = files[0]?.annotated;
    expect(ann).toBe(`政法委/${SAMPLES[0]?.name}`);
    const a = await fetch(`${s.base}/api/audits/${id}/annotated/${ann!.split('/').map(encodeURIComponent).join('/')}`);
    expect(a.status).toBe(200);
    expect(Buffer.from(await a.arrayBuffer()).subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('answers 404 for unknown ids, path tricks and missing files', async () => {
    const get = async (p: string) => (await fetch(`${s.base}${p}`)).status;
    expect(await get('/api/audits/00000000-0000-4000-8000-000000000000')).toBe(404);
    expect(await get('/api/audits/not-an-id/status')).toBe(404);
    expect(await get('/api/audits/..%2F..%2Fetc/status')).toBe(404);
    expect(await get('/api/audits/..%2F..%2Faudits%2F' + id)).toBe(404);
    expect(await get(`/api/audits/${id}/corrections/${encodeURIComponent('../status.json')}`)).toBe(404);
    expect(await get(`/api/audits/${id}/corrections/${encodeURIComponent('..%2F..%2Fstatus.xlsx')}`)).toBe(404);
    expect(await get(`/api/audits/${id}/corrections/nobody.xlsx`)).toBe(404);
    expect(await get(`/api/audits/${id}/annotated/..%2F..%2Fstatus.json`)).toBe(404);
    expect(await get(`/api/audits/${id}/annotated/nothing.xlsx`)).toBe(404);
    const body = (await (await fetch(`${s.base}/api/audits/not-an-id`)).json()) as { error: string };
    expect(body.error).toMatch(/没有这个审核/);
  });

  it('refuses bad requests with 400 and a Chinese message, keeping nothing', async () => {
    const before = auditDirs(s).length;
    const noFiles = await post(s, []);
    expect(noFiles.status).toBe(400);
    expect(noFiles.body.error).toMatch(/没有收到工作簿/);

    const onlyLedger = await post(s, [['ledger', 'a,b\n', '台账.csv']]);
    expect(onlyLedger.status).toBe(400);

    const wrongField = await post(s, [['file', SAMPLES[0]!.data, 'a.xlsx']]);
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.error).toMatch(/未知的字段“file”/);

    const wrongText = await post(s, [...sampleParts(), ['comment', 'hello']]);
    expect(wrongText.status).toBe(400);

    const badRules = await post(s, [...sampleParts(), ['rules', '{not json', 'rules.json']]);
    expect(badRules.status).toBe(400);
    expect(badRules.body.error).toMatch(/规则文件不是有效的 JSON/);

    const wrongRules = await post(s, [...sampleParts(), ['rules', JSON.stringify({ tolerance: 'lots', unknownKey: 1, disabled: 5 })]]);
    expect(wrongRules.status).toBe(400);
    expect(wrongRules.body.error).toMatch(/规则文件/);

    const badLedger = await post(s, [...sampleParts(), ['ledger', 'x', '台账.txt']]);
    expect(badLedger.status).toBe(400);
    expect(badLedger.body.error).toMatch(/台账须为/);

    const notMultipart = await fetch(`${s.base}/api/audits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(notMultipart.status).toBe(415);
    expect(((await notMultipart.json()) as { error: string }).error).toMatch(/multipart\/form-data/);

    expect(auditDirs(s).length).toBe(before);
  });

  it('stores a ../ file name inside the audit, and reports empty and corrupt workbooks as findings', async () => {
    const r = await post(
      s,
      [
        ['files', SAMPLES[0]!.data, '../../evil.xlsx'],
        ['files', Buffer.alloc(0), '空表.xlsx'],
        ['files', Buffer.from('PK\u0003\u0004 this is not really a zip file at all'), '坏文件.xlsx'],
        ['files', 'not a workbook', '说明.docx'],
      ],
      '?wait=1',
    );
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('done');
    expect(r.body.skipped).toEqual(['说明.docx']);
    const dir = path.join(s.dataDir, 'audits', r.body.id as string);
    expect(existsSync(path.join(dir, 'input', 'evil.xlsx'))).toBe(true);
    expect(existsSync(path.join(s.dataDir, 'evil.xlsx'))).toBe(false);
    expect(existsSync(path.join(path.dirname(s.dataDir), 'evil.xlsx'))).toBe(false);
    const doc = parseFindings(await (await fetch(`${s.base}/api/audits/${r.body.id}`)).text());
    expect(doc.inputs.map((i) => [i.file, i.status])).toEqual([
      ['evil.xlsx', 'audited'],
      ['坏文件.xlsx', 'unreadable'],
      ['空表.xlsx', 'unreadable'],
    ]);
    const unreadable = doc.findings.filter((f) => f.rule === 'file.unreadable').map((f) => f.file);
    expect(unreadable.sort()).toEqual(['坏文件.xlsx', '空表.xlsx'].sort());
  });

  it('marks an audit with an unreadable ledger failed, in Chinese, and keeps serving', async () => {
    const r = await post(s, [...sampleParts(), ['ledger', 'hello,world\r\n1,2\r\n', '台账.csv']], '?wait=1');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('failed');
    expect(r.body.error).toMatch(/台账无法读取/);
    expect(r.body.error).not.toContain(s.dataDir);
    const res = await fetch(`${s.base}/api/audits/${r.body.id}`);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { status: string }).status).toBe('failed');
    expect((await fetch(`${s.base}/api/audits/${r.body.id}/corrections.zip`)).status).toBe(422);
    expect((await fetch(`${s.base}/`)).status).toBe(200);
  });

  it('queues audits posted at once, reports progress by events, and finishes both', async () => {
    const [a, b] = await Promise.all([post(s, sampleParts('甲/')), post(s, sampleParts('乙/'))]);
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(a.body).toMatchObject({ summary: null });
    const second = [a, b].find((x) => x.body.status === 'queued');
    expect(second).toBeDefined();
    const early = await fetch(`${s.base}/api/audits/${second!.body.id}`);
    expect(early.status).toBe(202);
    expect(((await early.json()) as { status: string }).status).toMatch(/queued|running/);

    const ev = await events(s, second!.body.id as string);
    const statuses = ev.map((e) => e.data.status as string);
    expect(statuses[0]).toBe('queued');
    expect(statuses).toContain('running');
    expect(ev.filter((e) => e.event === 'progress' && e.data.status === 'running').some((e) => e.data.done > 0)).toBe(true);
    expect(ev.at(-1)).toMatchObject({ event: 'done', data: { status: 'done' } });

    for (const x of [a, b]) {
      const st = (await (await fetch(`${s.base}/api/audits/${x.body.id}/status`)).json()) as Record<string, any>;
      expect(st.status).toBe('done');
      expect(st.summary).toMatchObject({ tables: 3, errors: 0, warnings: 2 });
    }
  });

  it('keeps results across a restart and deletes an audit on request', async () => {
    const again = await start({}, s.dataDir);
    const res = await fetch(`${again.base}/api/audits/${id}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { summary: unknown }).summary).toEqual(summary);
    await stop(again);

    const del = await fetch(`${s.base}/api/audits/${id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await fetch(`${s.base}/api/audits/${id}`)).status).toBe(404);
    expect(existsSync(path.join(s.dataDir, 'audits', id))).toBe(false);
  });
});

describe('upload limits', () => {
  let s: Server;

  beforeAll(async () => {
    s = await start({ maxFileBytes: 4096, maxFiles: 2, maxTotalBytes: 64 * 1024 });
  });

  it('answers 413 for a file over the size limit, and keeps nothing', async () => {
    const r = await post(s, [['files', SAMPLES[0]!.data, '政法委/大文件.xlsx']]);
    expect(SAMPLES[0]!.data.length).toBeGreaterThan(4096);
    expect(r.status).toBe(413);
    expect(r.body.error).toMatch(/^上传文件过大/);
    expect(auditDirs(s)).toEqual([]);
  });

  it('answers 413 for an upload over the total limit', async () => {
    const parts: Part[] = [
      ['files', Buffer.alloc(4000, 65), 'a.csv'],
      ['ledger', Buffer.alloc(4000, 66), 'l.csv'],
    ];
    const big = await start({ maxFileBytes: 4096, maxFiles: 2, maxTotalBytes: 6000 });
    const r = await post(big, parts);
    expect(r.status).toBe(413);
    expect(r.body.error).toMatch(/合计/);
    expect(auditDirs(big)).toEqual([]);
  });

  it('answers 400 for too many files', async () => {
    const small = (n: number): Part => ['files', `项目名称,预算\r\n项目${n},1\r\n`, `表${n}.csv`];
    const r = await post(s, [small(1), small(2), small(3)]);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/文件数量超过上限/);
    const many = await post(s, [small(1), small(2), small(3), small(4), small(5), small(6)]);
    expect([400, 413]).toContain(many.status);
    expect(many.body.error).toMatch(/文件数量超过上限/);
    expect(auditDirs(s)).toEqual([]);
  });

  it('counts only workbooks against the file limit: a dropped folder’s other files are skipped, not refused', async () => {
    const small = (n: number): Part => ['files', `项目名称,预算\r\n项目${n},1\r\n`, `部门/表${n}.csv`];
    const scans = Array.from({ length: 5 }, (_, i): Part => ['files', 'not a workbook', `部门/扫描件${i}.pdf`]);
    const r = await post(s, [small(1), small(2), ...scans], '?wait=1');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.summary.files).toBe(2);
  });

  it('still takes a request within the limits afterwards', async () => {
    const r = await post(s, [['files', '项目名称,预算\r\n项目,1\r\n', '部门/表.csv']], '?wait=1');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('done');
    expect(r.body.summary.files).toBe(1);
  });
});
