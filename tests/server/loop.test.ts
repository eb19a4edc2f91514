/**
 * Issue 18 through the web service's API: round 1 uploaded and audited; the resubmission (a total fixed in a renamed
 * file, a table moved two rows down, a new error, a file dropped, a file sent again unchanged) uploaded with round 1
 * chosen to compare with; asserted finding by finding. Then the history list (names, renames, a restart, records
 * that are damaged), and each department's 整改材料 as one ZIP with safe names.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipArchive } from '../../src/ooxml/index.js';
import { parseFindings } from '../helpers/findings.js';
import { type Server, auditDirs, downloadName, files, getJson, post, start, stop, stopAll, zipEntries } from './helpers.js';
import { EDU, POLICE, SECOND_ROUND, ZFW, roundOne, roundTwo } from '../fixtures/resubmission.js';

afterAll(stopAll);

let s: Server;
let first: Record<string, any>;
let second: Record<string, any>;
const r1 = roundOne();
const r2 = roundTwo(r1);

beforeAll(async () => {
  s = await start();
  first = (await post(s, [...files(r1), ['name', '第一轮']], '?wait=1')).body;
  // `latest`: the newest finished audit, which is round 1
  second = (await post(s, [...files(r2), ['name', '  第二轮\u202e（整改后）\n'], ['previous', 'latest']], '?wait=1')).body;
}, 120_000);

const row = (f: any) => `${f.rule} ${f.file} ${f.cell ?? '-'} ${f.change ?? ''}${f.resubmitted === false ? ' 未重新报送' : ''}`;

describe('round 2 compared with round 1, through the API', () => {
  it('runs both, the second against the first', () => {
    expect([first.status, second.status]).toEqual(['done', 'done']);
    expect(first).toMatchObject({ name: '第一轮', previous: null, previousName: null });
    // the name as typed, with the control and bidi characters dropped and the spaces folded
    expect(second).toMatchObject({ name: '第二轮（整改后）', previous: first.id, previousName: '第一轮' });
  });

  it('marks each finding new or still open — across a renamed file and a table moved two rows down', async () => {
    const doc = parseFindings(await (await fetch(`${s.base}/api/audits/${second.id}`)).text());
    expect(doc.findings.filter((f) => f.severity !== 'info').map(row).sort()).toEqual(SECOND_ROUND);
    expect(doc.findings.every((f) => f.change === 'new' || f.change === 'open')).toBe(true);
    expect(doc.resolved?.map((f) => `${f.rule} ${f.file} ${f.cell}`)).toEqual(['score.total 公安局/反诈宣传经费.xlsx I20']);
    expect(doc.previous).toMatchObject({ files: 5, errors: 6 });
    const p = Object.fromEntries((doc.progress ?? []).map((x) => [x.department, x]));
    expect(p[POLICE]).toMatchObject({ earlier: { errors: 5, warnings: 1, infos: 6 }, fixed: 1, open: 11, new: 0, resubmitted: true, fixedErrorShare: 20 });
    expect(p[ZFW]).toMatchObject({ fixed: 0, new: 1, resubmitted: true, fixedErrorShare: null });
    expect(p[EDU]).toMatchObject({ earlier: { errors: 1 }, fixed: 0, open: 3, new: 0, resubmitted: false, fixedErrorShare: 0 });
    // round 1 itself is compared with nothing
    const one = parseFindings(await (await fetch(`${s.base}/api/audits/${first.id}`)).text());
    expect([one.previous, one.resolved, one.progress, one.findings.some((f) => f.change)]).toEqual([undefined, undefined, undefined, false]);
  });

  it('gives each department its progress beside its list, and the 整改情况 in its list', async () => {
    const { body } = await getJson(s, `/api/audits/${second.id}/departments`);
    const police = body.find((d: any) => d.department === POLICE);
    expect(police).toMatchObject({ file: POLICE, progress: { fixed: 1, open: 11, new: 0 } });
    expect(body.find((d: any) => d.department === EDU).progress).toMatchObject({ resubmitted: false });
  });

  it('refuses to compare with an audit that does not exist or has no results, keeping nothing', async () => {
    const before = auditDirs(s).length;
    const unknown = await post(s, [...files(r2), ['previous', '00000000-0000-4000-8000-000000000000']]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/上一轮审核不存在/);
    const junk = await post(s, [...files(r2), ['previous', '../../etc']]);
    expect(junk.status).toBe(400);
    expect(auditDirs(s).length).toBe(before);
  });
});

describe('a department’s 整改材料 and the whole batch, as ZIPs', () => {
  it('bundles the department’s list and the annotated copies of its workbooks, as 部门名称-整改材料-日期.zip', async () => {
    const res = await fetch(`${s.base}/api/audits/${second.id}/bundles/${encodeURIComponent(`${POLICE}.zip`)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(downloadName(res.headers.get('content-disposition'))).toBe(`${POLICE}-整改材料-${second.date}.zip`);
    expect(second.date).toMatch(/^\d{4}-\d\d-\d\d$/);
    const buf = Buffer.from(await res.arrayBuffer());
    expect(zipEntries(buf).map((e) => e.name).sort()).toEqual(
      [
        `${POLICE}-整改清单.csv`,
        `${POLICE}-整改清单.xlsx`,
        '带批注的原工作簿/公安局/反诈宣传经费（修改后）.xlsx',
        '带批注的原工作簿/公安局/社区警务室建设.xlsx',
      ].sort(),
    );
    // a valid archive: every entry inflates, the workbooks are workbooks
    const zip = new ZipArchive(buf);
    expect(zip.data(`${POLICE}-整改清单.xlsx`)!.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(zip.data(`${POLICE}-整改清单.csv`)!.toString('utf8')).toContain('整改情况');
    expect((await fetch(`${s.base}/api/audits/${second.id}/bundles/nobody.zip`)).status).toBe(404);
    expect((await fetch(`${s.base}/api/audits/${second.id}/bundles/${encodeURIComponent('../status.json')}`)).status).toBe(404);
  });

  it('names the zip of all lists after the audit and its date', async () => {
    const res = await fetch(`${s.base}/api/audits/${first.id}/corrections.zip`);
    expect(downloadName(res.headers.get('content-disposition'))).toBe(`第一轮-${first.date}-全部整改清单.zip`);
    const names = zipEntries(Buffer.from(await res.arrayBuffer())).map((e) => e.name);
    expect(names).toContain(`整改清单/${POLICE}.xlsx`);
    expect(names).toContain(`整改清单/${EDU}.csv`);
  });
});

describe('the history list', () => {
  it('lists both, newest first, with name, date, files, tables and counts by severity', async () => {
    const { body } = await getJson(s, '/api/audits');
    const mine = body.filter((a: any) => a.id === first.id || a.id === second.id);
    expect(mine.map((a: any) => a.name)).toEqual(['第二轮（整改后）', '第一轮']);
    expect(mine[1]).toMatchObject({ status: 'done', date: first.date, summary: { files: 5, tables: 5, errors: 6, warnings: 1 } });
    expect(mine[0].summary).toMatchObject({ files: 4, tables: 4 });
    expect(mine[0].previousName).toBe('第一轮');
  });

  it('renames an audit (the comparison follows), refusing an empty name', async () => {
    const res = await fetch(`${s.base}/api/audits/${first.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '2026年度 第一轮' }) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).name).toBe('2026年度 第一轮');
    expect((await getJson(s, `/api/audits/${second.id}/status`)).body.previousName).toBe('2026年度 第一轮');
    const empty = await fetch(`${s.base}/api/audits/${first.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: ' \u200b ' }) });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as any).error).toBe('名称不能为空');
  });

  it('survives a restart, and lists a damaged record as 记录损坏 without running, opening or crashing on it', async () => {
    await stop(s);
    const broken = '11111111-1111-4111-8111-111111111111';
    const edited = '22222222-2222-4222-8222-222222222222';
    const foreign = '33333333-3333-4333-8333-333333333333';
    for (const id of [broken, edited, foreign]) mkdirSync(path.join(s.dataDir, 'audits', id, 'input'), { recursive: true });
    writeFileSync(path.join(s.dataDir, 'audits', broken, 'status.json'), '{"id": "1111');
    // edited by hand: done, with no results; and a status nobody knows
    writeFileSync(path.join(s.dataDir, 'audits', edited, 'status.json'), JSON.stringify({ id: edited, status: 'done', done: 1, total: 1, summary: null, error: null, createdAt: '2026-12-01T00:00:00.000Z' }));
    writeFileSync(path.join(s.dataDir, 'audits', foreign, 'status.json'), JSON.stringify({ id: foreign, status: 'exploded', done: 'x' }));
    s = await start({}, s.dataDir);

    const { body } = await getJson(s, '/api/audits');
    const byId = Object.fromEntries(body.map((a: any) => [a.id, a]));
    expect(byId[first.id]).toMatchObject({ name: '2026年度 第一轮', status: 'done' });
    expect(byId[second.id]).toMatchObject({ name: '第二轮（整改后）', previous: first.id, status: 'done' });
    for (const id of [broken, edited, foreign]) expect(byId[id]).toMatchObject({ status: 'corrupt', name: '记录损坏', error: expect.stringMatching(/^记录损坏：status\.json/) });
    expect(byId[broken].error).toContain('不是有效的 JSON');
    expect(byId[edited].error).toContain('已完成的审核没有汇总');

    const open = await getJson(s, `/api/audits/${edited}`);
    expect(open.status).toBe(422);
    expect(open.body.error).toMatch(/记录已损坏/);
    expect((await fetch(`${s.base}/api/audits/${broken}`, { method: 'DELETE' })).status).toBe(204);
    expect(existsSync(path.join(s.dataDir, 'audits', broken))).toBe(false);
    // results still served
    expect((await fetch(`${s.base}/api/audits/${second.id}`)).status).toBe(200);
  });

  it('indexes each report in the audit’s own process; without the index, from findings.json; a damaged report is said so', async () => {
    const out = (id: string) => path.join(s.dataDir, 'audits', id, 'out');
    expect(JSON.parse(readFileSync(path.join(out(second.id), 'web-index.json'), 'utf8'))).toMatchObject({ version: 1, inputs: expect.any(Array) });
    const before = (await getJson(s, `/api/audits/${second.id}/departments`)).body;
    // the server's cache of it is gone with the restart above; the index goes too
    await stop(s);
    rmSync(path.join(out(second.id), 'web-index.json'));
    writeFileSync(path.join(out(first.id), 'findings.json'), '{"schemaVersion": 3, "findings": [');
    rmSync(path.join(out(first.id), 'web-index.json'));
    s = await start({}, s.dataDir);
    expect((await getJson(s, `/api/audits/${second.id}/departments`)).body).toEqual(before);
    const damaged = await getJson(s, `/api/audits/${first.id}/departments`);
    expect(damaged.status).toBe(422);
    expect(damaged.body.error).toMatch(/结果文件已损坏/);
  });

  it('deletes an audit; the one compared with it keeps its results and says the earlier one is gone', async () => {
    expect((await fetch(`${s.base}/api/audits/${first.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${s.base}/api/audits/${first.id}`)).status).toBe(404);
    const st = (await getJson(s, `/api/audits/${second.id}/status`)).body;
    expect([st.previous, st.previousName]).toEqual([first.id, null]);
    expect((await fetch(`${s.base}/api/audits/${second.id}/departments`)).status).toBe(200);
  });
});
