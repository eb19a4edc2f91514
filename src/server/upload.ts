import { createWriteStream, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { ensureDir, insideDir, safeFileName, safeFileNameWithExt } from '../report/index.js';
import { RulesConfigError, parseRulesConfig } from '../rules/index.js';
import { HttpError, formatBytes } from './http-util.js';
import { INPUT_DIR, LEDGER_DIR, RULES_FILE } from './store.js';

export interface UploadLimits {
  /** Per uploaded file. */
  maxFileBytes: number;
  /** Workbooks per audit (the ledger and the rules file do not count). */
  maxFiles: number;
  /** All parts of one upload together. */
  maxTotalBytes: number;
}

export interface Upload {
  /** Where each workbook was stored, relative to the audit's input folder (`/`-separated). */
  files: string[];
  /** Parts of `files` that are not workbooks (`.docx`, `Thumbs.db`, Excel lock files…): not stored. */
  skipped: string[];
  ledger: string | null;
  rules: boolean;
  /** The audit's name as typed (field `name`), or null. */
  name: string | null;
  /** Field `previous`: an audit id, `latest` or `none`; null when not given. */
  previous: string | null;
}

export const FIELD_FILES = 'files';
export const FIELD_LEDGER = 'ledger';
export const FIELD_RULES = 'rules';
export const FIELD_NAME = 'name';
export const FIELD_PREVIOUS = 'previous';
const TEXT_FIELDS = new Set([FIELD_RULES, FIELD_NAME, FIELD_PREVIOUS]);
const MAX_TEXT_FIELD = 1024;

const WORKBOOK_EXT = new Set(['.xlsx', '.xls', '.csv']);
const MAX_DEPTH = 12;
const MAX_RULES_BYTES = 1024 * 1024;

function isHidden(segment: string): boolean {
  return segment.startsWith('.') || segment.startsWith('~$');
}

/**
 * A part's file name (for folder uploads the browser sends the relative path, `政法委/雪亮工程.xlsx`) as safe
 * path segments: split on `/` and `\`, `.`, `..` and empty segments dropped, every segment made safe with
 * `safeFileName`, at most 12 deep. The result joined under any folder stays inside it.
 */
export function uploadSegments(filename: string): string[] {
  const raw = filename
    .normalize('NFC')
    .split(/[\\/]+/)
    .filter((s) => s !== '' && s !== '.' && s !== '..');
  const kept = raw.slice(-MAX_DEPTH);
  const last = kept.pop() ?? '';
  return [...kept.map((s) => safeFileName(s, '_')), safeFileNameWithExt(last, '未命名')];
}

/** A workbook the audit would look at: .xlsx/.xls/.csv, not hidden, not an Excel lock file, in no hidden folder. */
export function isWorkbookUpload(filename: string): boolean {
  const raw = filename.split(/[\\/]+/).filter((s) => s !== '' && s !== '.' && s !== '..');
  const last = raw[raw.length - 1] ?? '';
  return raw.length > 0 && !raw.some(isHidden) && WORKBOOK_EXT.has(path.extname(last).toLowerCase());
}

/** `name.xlsx`, else `name_2.xlsx`, `name_3.xlsx`… — two parts with the same path both survive. */
function freePath(target: string): string {
  if (!existsSync(target)) return target;
  const ext = path.extname(target);
  const stem = target.slice(0, target.length - ext.length);
  for (let n = 2; ; n++) {
    const p = `${stem}_${n}${ext}`;
    if (!existsSync(p)) return p;
  }
}

async function discard(stream: Readable): Promise<void> {
  stream.resume();
  await new Promise<void>((resolve) => {
    if (stream.readableEnded || stream.destroyed) return resolve();
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}

function tooLargeFile(name: string, limits: UploadLimits): HttpError {
  return new HttpError(413, `上传文件过大：“${name}”超过单个文件上限 ${formatBytes(limits.maxFileBytes)}`);
}

function tooLargeTotal(limits: UploadLimits): HttpError {
  return new HttpError(413, `上传文件过大：本次上传合计超过上限 ${formatBytes(limits.maxTotalBytes)}，请分批上传`);
}

function tooManyFiles(limits: UploadLimits): HttpError {
  return new HttpError(400, `文件数量超过上限：一次最多上传 ${limits.maxFiles} 个工作簿，请分批上传`);
}

function unknownField(name: string): HttpError {
  return new HttpError(400, `未知的字段“${name.slice(0, 40)}”：工作簿请用字段 files（可重复），台账用 ledger，规则文件用 rules，审核名称用 name，比较对象用 previous`);
}

/**
 * A failure to store what was uploaded, in words: 507 when the disk (or the quota) is full, 503 for anything else
 * the server's disk refused; null when `err` is not such a failure.
 */
export function storageError(err: unknown): HttpError | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new HttpError(507, '服务器磁盘空间不足，上传的文件没有保存（已收到的部分已删除）：请联系信息科腾出磁盘空间后再上传');
  if (code && /^(EACCES|EPERM|EROFS|EIO|EMFILE|ENFILE|ENOTDIR|EISDIR|EBUSY|ENAMETOOLONG)$/.test(code))
    return new HttpError(503, `服务器暂时无法保存上传的文件（${code}），已收到的部分已删除：请稍后再试，或联系信息科`);
  return null;
}

/** Multipart parser errors in the user's language; anything else passes through unchanged. */
export function multipartError(err: unknown, limits: UploadLimits): unknown {
  const code = (err as { code?: unknown }).code;
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new HttpError(413, `上传文件过大：单个文件上限 ${formatBytes(limits.maxFileBytes)}`);
    case 'FST_FILES_LIMIT':
      return tooManyFiles(limits);
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new HttpError(400, '表单字段过多：只接受 files、ledger、rules、name、previous 五个字段');
    case 'FST_PROTO_VIOLATION':
      return new HttpError(400, '表单字段名无效');
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return new HttpError(400, '规则文件不是有效的 JSON');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new HttpError(415, '请以 multipart/form-data 上传（字段 files、ledger、rules）');
    default: {
      const stored = storageError(err);
      if (stored) return stored;
      if (err instanceof Error && /Unexpected end of (multipart )?(data|form)|Malformed|boundary/i.test(err.message))
        return new HttpError(400, '上传数据不完整或格式有误，请重新上传');
      return err;
    }
  }
}

function checkRules(text: string): string {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const at = /position (\d+)/.exec(err instanceof Error ? err.message : '')?.[1];
    throw new HttpError(400, `规则文件不是有效的 JSON${at ? `（第 ${Number(at) + 1} 个字符附近有误）` : ''}：请检查逗号、引号和括号`);
  }
  try {
    parseRulesConfig(json, '');
  } catch (err) {
    if (err instanceof RulesConfigError) throw new HttpError(400, `规则文件有误：${err.message}`);
    throw err;
  }
  return `${JSON.stringify(json, null, 2)}\n`;
}

/**
 * File parts one request may carry: the workbooks, the ledger and a rules file, and room for what a dropped folder
 * holds besides workbooks (scans, Word files), which are skipped and do not count as workbooks.
 */
export function partsAllowed(limits: Pick<UploadLimits, 'maxFiles'>): number {
  return limits.maxFiles * 4 + 2;
}

/**
 * Streams the parts of a multipart upload into an audit folder: workbooks (field `files`, repeatable) under
 * `input/<relative path>`, the ledger (`ledger`) under `ledger/<name>`, a rules file (`rules`, a file or a text
 * field) to `rules.json`, checked. Throws HttpError (400 / 413) for anything the audit cannot take; the caller
 * removes the folder then, so a refused or truncated upload never becomes an audit.
 */
export async function receiveUpload(req: FastifyRequest, dir: string, limits: UploadLimits): Promise<Upload> {
  if (!req.isMultipart()) throw new HttpError(415, '请以 multipart/form-data 上传（字段 files、ledger、rules）');
  const declared = Number(req.headers['content-length']);
  // A multipart body carries some overhead per part beyond the files themselves.
  if (Number.isFinite(declared) && declared > limits.maxTotalBytes + 64 * 1024 + partsAllowed(limits) * 2048)
    throw tooLargeTotal(limits);

  const inputDir = insideDir(dir, INPUT_DIR);
  const result: Upload = { files: [], skipped: [], ledger: null, rules: false, name: null, previous: null };
  let total = 0;
  const count = async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      total += chunk.length;
      if (total > limits.maxTotalBytes) throw tooLargeTotal(limits);
      yield chunk;
    }
  };

  const parts = req.parts({
    preservePath: true,
    limits: { fileSize: limits.maxFileBytes, files: partsAllowed(limits), fields: 6, parts: partsAllowed(limits) + 8, fieldSize: MAX_RULES_BYTES },
  });
  for await (const part of parts) {
    if (part.type === 'field') {
      if (!TEXT_FIELDS.has(part.fieldname)) throw unknownField(part.fieldname);
      const value = part.value;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (part.fieldname !== FIELD_RULES) {
        if (part.valueTruncated || text.length > MAX_TEXT_FIELD) throw new HttpError(400, `字段 ${part.fieldname} 过长`);
        if (part.fieldname === FIELD_NAME) result.name = text;
        else result.previous = text.trim();
        continue;
      }
      if (part.valueTruncated) throw new HttpError(413, `上传文件过大：规则文件超过 ${formatBytes(MAX_RULES_BYTES)}`);
      if (text.trim() === '') continue;
      if (result.rules) throw new HttpError(400, '只能上传一个规则文件（字段 rules）');
      writeFileSync(insideDir(dir, RULES_FILE), checkRules(text));
      result.rules = true;
      continue;
    }

    const name = part.filename ?? '';
    if (part.fieldname === FIELD_FILES) {
      if (!isWorkbookUpload(name)) {
        result.skipped.push(name);
        await discard(part.file);
        continue;
      }
      if (result.files.length >= limits.maxFiles) throw tooManyFiles(limits);
      const target = freePath(insideDir(inputDir, ...uploadSegments(name)));
      ensureDir(path.dirname(target));
      await pipeline(part.file, count, createWriteStream(target));
      if (part.file.truncated) throw tooLargeFile(name, limits);
      result.files.push(path.relative(inputDir, target).split(path.sep).join('/'));
    } else if (part.fieldname === FIELD_LEDGER) {
      if (result.ledger) throw new HttpError(400, '只能上传一个台账（字段 ledger）');
      const segs = uploadSegments(name);
      const base = segs[segs.length - 1] ?? '';
      if (!WORKBOOK_EXT.has(path.extname(base).toLowerCase())) {
        await discard(part.file);
        throw new HttpError(400, `台账须为 .csv、.xlsx 或 .xls 文件，收到的是“${name}”`);
      }
      const target = insideDir(dir, LEDGER_DIR, base);
      ensureDir(path.dirname(target));
      await pipeline(part.file, count, createWriteStream(target));
      if (part.file.truncated) throw tooLargeFile(name, limits);
      result.ledger = base;
    } else if (part.fieldname === FIELD_RULES) {
      if (result.rules) throw new HttpError(400, '只能上传一个规则文件（字段 rules）');
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of part.file as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_RULES_BYTES) throw new HttpError(413, `上传文件过大：规则文件超过 ${formatBytes(MAX_RULES_BYTES)}`);
        chunks.push(chunk);
      }
      if (part.file.truncated) throw tooLargeFile(name, limits);
      writeFileSync(insideDir(dir, RULES_FILE), checkRules(Buffer.concat(chunks).toString('utf8')));
      result.rules = true;
    } else {
      await discard(part.file);
      throw unknownField(part.fieldname);
    }
  }
  if (!result.files.length) {
    const extra = result.skipped.length ? `（收到的 ${result.skipped.length} 个文件都不是工作簿）` : '';
    throw new HttpError(400, `没有收到工作簿：请在字段 files 中上传 .xlsx、.xls 或 .csv 文件${extra}`);
  }
  return result;
}
