/**
 * What the web service keeps of an audit in `--data`: `audits/<id>/status.json`, checked with zod when it is read
 * back at start-up. A record that does not pass (cut short by a full disk, edited by hand, written by something else)
 * is reported — logged, and listed as 记录损坏 — and skipped: it is never run, never opened, and never stops the
 * server from starting. It can be deleted from the page.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { SummarySchema, type Summary } from '../report/index.js';

export type AuditStatus = 'queued' | 'running' | 'done' | 'failed';

/** What `status.json` holds, and what the status endpoints answer. */
export interface AuditState {
  id: string;
  status: AuditStatus;
  done: number;
  total: number;
  summary: Summary | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** How many times a process has started this audit (one that took the process down must not do it forever). */
  attempts?: number;
  /** Shown in the history list; editable. Default: 年度 and date (`2026年度 2026-12-06`). */
  name: string;
  /** The earlier audit this one was compared with (its id), or null. */
  previous: string | null;
}

/** A status.json that could not be read back: listed as 记录损坏, with the reason, and nothing else. */
export interface CorruptRecord {
  id: string;
  reason: string;
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An audit id as made by crypto.randomUUID(); anything else (`../x`, `%2e%2e`) is no audit. */
export function isAuditId(id: unknown): id is string {
  return typeof id === 'string' && ID.test(id);
}

export const MAX_NAME_LENGTH = 100;

/** `2026-12-06`, in the server's time zone. */
export function localDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The name an audit gets unless the clerk gives one: `2026年度 2026-12-06`. */
export function defaultName(createdAt: Date): string {
  return `${createdAt.getFullYear()}年度 ${localDate(createdAt)}`;
}

/**
 * A name as typed by a clerk, made fit to keep and show: controls and invisible characters dropped, spaces folded,
 * at most 100 characters. Null when nothing is left.
 */
export function cleanName(raw: string): string | null {
  let out = '';
  let count = 0;
  for (const ch of raw.normalize('NFC')) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x061c || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069) || cp === 0xfeff) {
      if (cp === 0x09 || cp === 0x0a || cp === 0x0d) out += ' ';
      continue;
    }
    out += ch;
    if (++count >= MAX_NAME_LENGTH * 2) break;
  }
  const folded = out.replace(/\s+/g, ' ').trim();
  const kept = Array.from(folded).slice(0, MAX_NAME_LENGTH).join('').trim();
  return kept === '' ? null : kept;
}

const Id = z.string().regex(ID);
const Time = z.iso.datetime({ offset: true });

const StateSchema = z
  .object({
    id: Id,
    status: z.enum(['queued', 'running', 'done', 'failed']),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    summary: SummarySchema.nullable(),
    error: z.string().nullable(),
    createdAt: Time,
    startedAt: Time.nullable().optional(),
    finishedAt: Time.nullable().optional(),
    attempts: z.number().int().nonnegative().optional(),
    // Records written before names and comparisons have neither.
    name: z.string().min(1).max(MAX_NAME_LENGTH * 4).optional(),
    previous: Id.nullable().optional(),
  })
  .refine((s) => s.status !== 'done' || s.summary !== null, { message: '已完成的审核没有汇总' });

/** The record of audit `id` from `file`, or why it cannot be used (in Chinese, for the list and the log). */
export function readRecord(file: string, id: string): { ok: true; state: AuditState } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: code ? `status.json 无法读取（${code}）` : 'status.json 不是有效的 JSON（可能写到一半或被改动过）' };
  }
  const r = StateSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    return { ok: false, reason: `status.json 内容不符合格式（${issue?.path.join('.') || '整体'}：${issue?.message ?? '格式不对'}）` };
  }
  const s = r.data;
  if (s.id !== id) return { ok: false, reason: `status.json 记录的编号与文件夹不一致（${s.id}）` };
  const name = (s.name !== undefined ? cleanName(s.name) : null) ?? defaultName(new Date(s.createdAt));
  return {
    ok: true,
    state: {
      id: s.id,
      status: s.status,
      done: s.done,
      total: s.total,
      summary: s.summary as Summary | null,
      error: s.error,
      createdAt: s.createdAt,
      startedAt: s.startedAt ?? null,
      finishedAt: s.finishedAt ?? null,
      ...(s.attempts !== undefined ? { attempts: s.attempts } : {}),
      name,
      previous: s.previous ?? null,
    },
  };
}
