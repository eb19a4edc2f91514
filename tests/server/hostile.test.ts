/**
 * The hostile files of issue 17 through `recon serve` (generated here; nothing big is committed): uploaded beside
 * honest ones to a running server (--memory 256, --timeout 20), which keeps answering — the history list, the page,
 * the audit's status — in under a second all through the audit, since the audit runs in processes of its own. The
 * audit ends with every hostile file a finding or audited with what it copies clipped, the honest files audited;
 * the departments named with 200,000 spaces, 4-byte characters or a right-to-left override are listed at once, and
 * their downloads carry names cleaned within the file-name limits.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableXlsx } from '../cli/helpers.js';
import { departmentNamed, duplicateEntryBomb, hugeSheetName, longTexts, manyMerges } from '../fixtures/hostile.js';
import { insurance, xueliang } from '../helpers/workbooks.js';
import { parseFindings } from '../helpers/findings.js';
import { type Server, downloadName, files, post, start, stopAll, waitStatus, zipEntries } from './helpers.js';

afterAll(stopAll);

const FOUR_BYTE = `009-${'𠀀'.repeat(120)}`;
const RTL = '011-某局\u202Egnp.exe';

const FILES = {
  honest: '政法委/网格员意外伤害保险.xlsx',
  honest2: '政法委/雪亮工程.xlsx',
  sheetNameBomb: '甲/表名.xlsx',
  spaces: '乙/空格.xlsx',
  bomb: '丙/压缩炸弹.xlsx',
  fourByte: '丁/生僻字.xlsx',
  longText: '戊/长文本.xlsx',
  merges: '己/合并单元格.xlsx',
  rtl: '庚/反向.xlsx',
};

let s: Server;
let id: string;
/** Each probe of the server while the audit ran: what, how long (ms). */
const probes: { what: string; ms: number; status: number }[] = [];
let final: any;

async function timed(what: string, url: string): Promise<void> {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  probes.push({ what, ms: performance.now() - t0, status: res.status });
}

beforeAll(async () => {
  s = await start({ memoryMb: 256, timeoutMs: 20_000, jobs: 2 });
  const upload = [
    { path: FILES.honest, data: tableXlsx(insurance) },
    { path: FILES.honest2, data: tableXlsx(xueliang) },
    { path: FILES.sheetNameBomb, data: hugeSheetName(70 * 1024 * 1024) },
    { path: FILES.spaces, data: departmentNamed(`${' '.repeat(200_000)}010-某局`) },
    { path: FILES.bomb, data: duplicateEntryBomb(300 * 1024 * 1024, { declared: 1024 }) },
    { path: FILES.fourByte, data: departmentNamed(FOUR_BYTE) },
    { path: FILES.longText, data: longTexts('长'.repeat(100_000)) },
    { path: FILES.merges, data: manyMerges(20_000) },
    { path: FILES.rtl, data: departmentNamed(RTL) },
  ];
  const r = await post(s, files(upload));
  expect(r.status).toBe(202);
  id = r.body.id;
  // Probe while the audit runs: the list, the page, the status.
  for (;;) {
    const st = await fetch(`${s.base}/api/audits/${id}/status`).then((x) => x.json() as Promise<any>);
    if (st.status === 'done' || st.status === 'failed') break;
    await timed('GET /api/audits', `${s.base}/api/audits`);
    await timed('GET /', `${s.base}/`);
    await timed('GET status', `${s.base}/api/audits/${id}/status`);
    await new Promise((res) => setTimeout(res, 100));
  }
  final = await waitStatus(s, id);
}, 120_000);

describe('the hostile set through recon serve', () => {
  it('the server answers in under a second all through the audit', () => {
    // the audit took long enough to be probed many times
    expect(probes.length).toBeGreaterThanOrEqual(9);
    for (const p of probes) {
      expect(p.status, p.what).toBe(200);
      expect(p.ms, p.what).toBeLessThan(1000);
    }
  });

  it('the audit completes: hostile files as findings or clipped, the honest files audited', async () => {
    expect(final.status).toBe('done');
    const doc = parseFindings(await (await fetch(`${s.base}/api/audits/${id}`)).text());
    const status = (f: string) => doc.inputs.find((i) => i.file === f)?.status;
    const of = (f: string) => doc.findings.filter((x) => x.file === f);
    expect(doc.inputs.map((i) => i.file).sort()).toEqual(Object.values(FILES).sort());
    expect(status(FILES.honest)).toBe('audited');
    expect(status(FILES.honest2)).toBe('audited');
    expect(of(FILES.honest2).map((f) => f.rule)).toContain('narrative.mismatch');
    expect(of(FILES.sheetNameBomb)).toMatchObject([{ rule: 'file.unreadable', message: expect.stringMatching(/^文件过大/) }]);
    expect(of(FILES.bomb)).toMatchObject([{ rule: 'file.unreadable', message: expect.stringMatching(/^文件过大/) }]);
    for (const f of [FILES.spaces, FILES.fourByte, FILES.longText, FILES.merges, FILES.rtl]) expect(status(f), f).toBe('audited');
    for (const f of of(FILES.longText)) for (const v of [f.message, f.actual, f.unit, f.project]) expect((v ?? '').length).toBeLessThan(1000);
  });

  it('lists the departments at once, with list names within the file-name limits', async () => {
    const t0 = performance.now();
    const res = await fetch(`${s.base}/api/audits/${id}/departments`);
    const depts = (await res.json()) as { department: string; file: string | null }[];
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(res.status).toBe(200);
    const spaces = depts.find((d) => d.department.includes('010-某局'));
    const four = depts.find((d) => d.department.startsWith('009-'));
    const rtl = depts.find((d) => d.department.startsWith('011-'));
    for (const d of [spaces, four, rtl]) {
      expect(d?.file).toBeTruthy();
      for (const ext of ['xlsx', 'csv']) expect((await fetch(`${s.base}/api/audits/${id}/corrections/${encodeURIComponent(`${d!.file}.${ext}`)}`)).status).toBe(200);
      expect(Buffer.byteLength(`${d!.file}.xlsx`)).toBeLessThanOrEqual(255);
      expect(d!.file).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u0000-\u001f]/);
    }
  });

  it('names every download and every entry of its ZIPs safely: no control or bidi character, within 255 bytes', async () => {
    const depts = (await (await fetch(`${s.base}/api/audits/${id}/departments`)).json()) as { department: string; file: string | null }[];
    const hostile = depts.filter((x) => x.file && (/^0(09|11)-/.test(x.department) || x.department.includes('010-某局')));
    expect(hostile).toHaveLength(3);
    for (const d of hostile) {
      const t0 = performance.now();
      const res = await fetch(`${s.base}/api/audits/${id}/bundles/${encodeURIComponent(`${d.file}.zip`)}`);
      const buf = Buffer.from(await res.arrayBuffer());
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(res.status).toBe(200);
      const name = downloadName(res.headers.get('content-disposition'));
      expect(name).toMatch(/-整改材料-\d{4}-\d\d-\d\d\.zip$/);
      expect(name).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
      const entries = zipEntries(buf).map((e) => e.name);
      expect(entries.length).toBeGreaterThanOrEqual(3);
      for (const e of entries) {
        expect(e).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u0000-\u001f\\]|(^|\/)\.\.(\/|$)|^\//);
        for (const seg of e.split('/')) expect(Buffer.byteLength(seg)).toBeLessThanOrEqual(255);
      }
    }
    const all = await fetch(`${s.base}/api/audits/${id}/corrections.zip`);
    for (const e of zipEntries(Buffer.from(await all.arrayBuffer())).map((x) => x.name)) {
      expect(e).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u0000-\u001f]/);
      for (const seg of e.split('/')) expect(Buffer.byteLength(seg)).toBeLessThanOrEqual(255);
    }
  });

  it('keeps answering: a second, honest audit runs after it', async () => {
    const r = await post(s, [['files', tableXlsx(insurance), `${path.basename(FILES.honest)}`]], '?wait=1');
    expect(r.body).toMatchObject({ status: 'done', summary: { tables: 1 } });
  });
});
