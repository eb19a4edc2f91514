/**
 * The synthetic bureau: departments with codes, units under them, workbooks of one to four tables in the seed and
 * the central layout with every rendering variation, ~30 % of tables with one injected fault, duplicates, bad files
 * and the bureau's GB18030 ledger; `truth.json` lists every finding the tool must raise, cell by cell.
 * Seeded: the same options give byte-identical files.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as XLSX from 'xlsx';
import iconv from 'iconv-lite';
import { Decimal } from '../../src/model/decimal.js';
import { buildWorkbook } from '../../scripts/workbook.js';
import { Rng } from './rng.js';
import * as N from './names.js';
import {
  type BuiltTable,
  type Layout,
  SEED_ONLY,
  SEVERITY,
  TABLE_FAULTS,
  type TableFault,
  type Unit,
  buildTable,
  designTable,
  render,
} from './tables.js';

export interface CorpusOptions {
  departments: number;
  tables: number;
  out: string;
  seed: string;
  /** Share of tables with one injected fault (duplicates included). */
  faultShare: number;
}

export const SUBMISSIONS = 'submissions';
export const LEDGER_FILE = 'ledger/预算执行台账.csv';

export type Format = 'xlsx' | 'xls' | 'csv';

export interface TruthTable {
  file: string;
  sheet: string;
  layout: Layout;
  format: Format;
  project: string;
  unit: string;
  fault: string | null;
  variant: string | null;
  options: Record<string, unknown>;
}

export interface TruthFinding {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  file: string;
  sheet: string | null;
  cell: string | null;
  /** For a finding with no file (a ledger project nobody submitted): the project it names. */
  project?: string;
  /** The injected fault this finding belongs to (its id in `faults`). */
  fault: number;
}

export interface TruthFault {
  id: number;
  kind: string;
  variant: string | null;
  file: string;
  sheet: string | null;
  /** Index into `tables`, or null for faults that are not a table (bad files, ledger rows). */
  table: number | null;
}

export interface Truth {
  version: 1;
  options: Omit<CorpusOptions, 'out'>;
  /** Relative to the corpus folder. */
  submissions: string;
  ledger: string;
  counts: {
    tables: number;
    cleanTables: number;
    faultyTables: number;
    files: number;
    badFiles: number;
    ledgerRows: number;
    bytes: number;
    byFault: Record<string, number>;
    byLayout: Record<string, number>;
    byFormat: Record<string, number>;
  };
  tables: TruthTable[];
  faults: TruthFault[];
  expected: TruthFinding[];
  files: { file: string; kind: string; tables: number; bytes: number }[];
}

interface Department {
  code: string;
  name: string;
  folder: string;
  units: Unit[];
}

interface PlannedTable {
  unit: Unit;
  dept: Department;
  fault: TableFault | null;
  layout: Layout;
}

interface LedgerLine {
  unit: Unit;
  unitCode: string;
  projectCode: string;
  project: string;
  budget: Decimal;
  executed: Decimal;
  /** A ledger row with no table (ledger.missing-submission). */
  orphan: boolean;
}

const CSV_HEADER = ['主管部门代码', '主管部门名称', '单位代码', '单位名称', '项目编码', '项目名称', '全年预算数（元）', '全年执行数（元）'];

/** 万元 → 元 with two decimals and thousands separators: 12.3456 → 123,456.00. */
export function yuan(wan: Decimal): string {
  const [i, f] = wan.times(10000).toFixed(2).split('.');
  return `${i!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${f}`;
}

function departments(rng: Rng, count: number): Department[] {
  const codes = rng.shuffle(Array.from({ length: 800 }, (_, i) => 100 + i)).slice(0, count).sort((a, b) => a - b);
  const names = rng.shuffle([...N.DEPARTMENTS]);
  return codes.map((c, i) => {
    const code = String(c).padStart(3, '0');
    const base = names[i % names.length]!;
    const name = i < names.length ? base : `${base}第${Math.floor(i / names.length) + 1}分局`;
    const unitCount = rng.weighted([
      [1, 3],
      [2, 3],
      [3, 2],
      [4, 1],
    ] as const);
    const suffixes = rng.shuffle([...N.UNIT_SUFFIXES]);
    const units: Unit[] = Array.from({ length: unitCount }, (_, u) => ({
      deptCode: code,
      deptName: name,
      code: `${code}${String(u + 1).padStart(3, '0')}`,
      name: u === 0 ? `${N.COUNTY}${name}` : `${N.COUNTY}${name}${suffixes[u - 1]}`,
    }));
    return { code, name, folder: `${code}-${N.COUNTY}${name}`, units };
  });
}

/** Largest-remainder split of `total` by weights, every share at least `min`. */
function apportion(total: number, weights: number[], min: number): number[] {
  const base = weights.map(() => min);
  let left = total - min * weights.length;
  if (left < 0) throw new Error(`cannot give ${weights.length} departments ${min} table(s) each out of ${total}`);
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (left * w) / sum);
  const out = base.map((b, i) => b + Math.floor(exact[i]!));
  left -= exact.reduce((a, e) => a + Math.floor(e), 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < left; k++) out[order[k % order.length]![1]]! += 1;
  return out;
}

/** Project names, unique across the corpus even after quotes and spaces are ignored. */
class ProjectNames {
  private readonly taken = new Set<string>();
  constructor(private readonly rng: Rng) {}
  next(): string {
    const r = this.rng;
    for (let attempt = 0; ; attempt++) {
      let name = `${r.pick(N.PROJECT_PREFIXES)}${r.pick(N.PROJECT_CORES)}${r.pick(N.PROJECT_SUFFIXES)}`;
      if (attempt > 3) name += r.pick(N.PROJECT_PHASES);
      if (attempt > 8) name += `第${attempt}批`;
      if (r.chance(0.05)) name = `“${name}”`;
      const key = name.replace(/[“”]/g, '');
      if (this.taken.has(key)) continue;
      this.taken.add(key);
      return name;
    }
  }
}

function safeSheetName(s: string): string {
  return s.replace(/[[\]:*?/\\]/g, '').slice(0, 31);
}

/** A password-protected workbook as Excel saves it: a CFB container with EncryptionInfo and EncryptedPackage. */
function encryptedWorkbook(rng: Rng): Buffer {
  const CFB = (XLSX as unknown as { CFB: { utils: { cfb_new(): unknown; cfb_add(c: unknown, p: string, b: Buffer): void }; write(c: unknown, o: { type: 'buffer' }): Uint8Array } }).CFB;
  const cfb = CFB.utils.cfb_new();
  CFB.utils.cfb_add(cfb, '/EncryptionInfo', Buffer.from([4, 0, 4, 0, 0x40, 0, 0, 0]));
  CFB.utils.cfb_add(cfb, '/EncryptedPackage', Buffer.from(Array.from({ length: 4096 }, () => rng.int(0, 255))));
  return Buffer.from(CFB.write(cfb, { type: 'buffer' }));
}

function contactsSheet(rng: Rng): XLSX.WorkSheet {
  const rows = [['姓名', '科室', '电话']];
  for (let i = 0; i < rng.int(3, 12); i++) rows.push([rng.pick(['张', '王', '李', '赵', '刘']) + rng.pick(['伟', '芳', '强', '敏', '静']), rng.pick(['办公室', '财务科', '综合股']), `0352-${rng.int(1000000, 9999999)}`]);
  return XLSX.utils.aoa_to_sheet(rows);
}

function workbookBytes(sheets: { name: string; ws: XLSX.WorkSheet }[], format: 'xlsx' | 'xls'): Buffer {
  const wb = buildWorkbook(sheets);
  const data: unknown = XLSX.write(wb, { type: 'buffer', bookType: format === 'xls' ? 'biff8' : 'xlsx', compression: true, bookSST: true });
  if (!(data instanceof Uint8Array)) throw new Error('SheetJS returned no buffer');
  return Buffer.from(data);
}

export function generateCorpus(o: CorpusOptions): Truth {
  const root = path.resolve(o.out);
  rmSync(path.join(root, SUBMISSIONS), { recursive: true, force: true });
  rmSync(path.join(root, 'ledger'), { recursive: true, force: true });
  mkdirSync(path.join(root, SUBMISSIONS), { recursive: true });
  const rng = new Rng(o.seed);
  const depts = departments(rng.fork('departments'), o.departments);

  // How many tables of each kind.
  const dupCount = Math.max(1, Math.round(o.tables * 0.01));
  const baseCount = o.tables - dupCount;
  const faultyBase = Math.max(0, Math.round(o.tables * o.faultShare) - dupCount);
  const plan = rng.fork('plan');
  const perDept = apportion(baseCount, depts.map(() => 0.3 + plan.next() * 2.7), 1);
  const planned: PlannedTable[] = [];
  depts.forEach((dept, i) => {
    for (let k = 0; k < perDept[i]!; k++) planned.push({ dept, unit: plan.pick(dept.units), fault: null, layout: plan.chance(0.3) ? 'central' : 'seed' });
  });
  // Faults: every kind in turn, so each appears about equally often; on random tables.
  const kinds: TableFault[] = [];
  while (kinds.length < faultyBase) kinds.push(...plan.shuffle([...TABLE_FAULTS]));
  const victims = plan.shuffle(planned.map((_, i) => i)).slice(0, faultyBase);
  victims.forEach((t, k) => {
    const p = planned[t]!;
    p.fault = kinds[k]!;
    if (SEED_ONLY.has(p.fault)) p.layout = 'seed';
  });

  // Tables, grouped per unit into workbooks of one to four sheets.
  const names = new ProjectNames(rng.fork('projects'));
  const tableRng = rng.fork('tables');
  const fileRng = rng.fork('files');
  const truth: Truth = {
    version: 1,
    options: { departments: o.departments, tables: o.tables, seed: o.seed, faultShare: o.faultShare },
    submissions: SUBMISSIONS,
    ledger: LEDGER_FILE,
    counts: { tables: 0, cleanTables: 0, faultyTables: 0, files: 0, badFiles: 0, ledgerRows: 0, bytes: 0, byFault: {}, byLayout: {}, byFormat: {} },
    tables: [],
    faults: [],
    expected: [],
    files: [],
  };
  const ledger: LedgerLine[] = [];
  const fileNames = new Map<string, Set<string>>();
  const uniqueFile = (dept: Department, stem: string, ext: string): string => {
    let set = fileNames.get(dept.folder);
    if (!set) fileNames.set(dept.folder, (set = new Set()));
    let name = `${stem}.${ext}`;
    for (let n = 2; set.has(name.toLowerCase()); n++) name = `${stem}（${n}）.${ext}`;
    set.add(name.toLowerCase());
    return `${dept.folder}/${name}`;
  };
  const writeFile = (rel: string, bytes: Buffer, kind: string, tables: number) => {
    const abs = path.join(root, SUBMISSIONS, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, bytes);
    truth.files.push({ file: rel, kind, tables, bytes: bytes.length });
    truth.counts.bytes += bytes.length;
  };
  const addFault = (
    kind: string,
    variant: string | null,
    file: string,
    sheet: string | null,
    table: number | null,
    expected: { rule: string; cell: string | null; sheet?: string | null; file?: string; project?: string }[],
  ) => {
    const id = truth.faults.length;
    truth.faults.push({ id, kind, variant, file, sheet, table });
    for (const e of expected)
      truth.expected.push({
        rule: e.rule,
        severity: SEVERITY[e.rule]!,
        file: e.file ?? file,
        sheet: e.sheet === undefined ? sheet : e.sheet,
        cell: e.cell,
        ...(e.project ? { project: e.project } : {}),
        fault: id,
      });
  };
  const dupCandidates: { rel: string; bytes: Buffer; tableIndex: number; dept: Department; sheet: string; built: BuiltTable }[] = [];
  let projectSeq = 0;

  for (const dept of depts) {
    for (const unit of dept.units) {
      const mine = planned.filter((p) => p.unit === unit);
      let i = 0;
      while (i < mine.length) {
        const size = Math.min(
          mine.length - i,
          fileRng.weighted([
            [1, 60],
            [2, 20],
            [3, 12],
            [4, 8],
          ] as const),
        );
        const group = mine.slice(i, i + size);
        i += size;
        const format: Format = size === 1 && fileRng.chance(0.03) ? 'csv' : fileRng.chance(0.09) ? 'xls' : 'xlsx';
        const built = group.map((p) => {
          const project = names.next();
          return buildTable(tableRng, designTable(tableRng, p.layout, project, unit), p.fault);
        });
        const stem = size === 1 ? built[0]!.spec.project.replace(/[“”]/g, '') : `${unit.name.replace(N.COUNTY, '')}项目支出绩效自评表`;
        const rel = uniqueFile(dept, stem, format);
        const base = path.posix.basename(rel, `.${format}`);
        const sheetNames: string[] = [];
        for (const [k, b] of built.entries()) {
          let name: string =
            format === 'csv'
              ? base
              : size === 1
                ? fileRng.weighted([
                    ['项目支出绩效自评表', 6],
                    [safeSheetName(b.spec.project), 3],
                    ['Sheet1', 1],
                  ] as const)
                : safeSheetName(`${k + 1}.${b.spec.project}`);
          while (sheetNames.includes(name)) name = safeSheetName(`${name.slice(0, 28)}${k + 1}`);
          sheetNames.push(name);
        }
        const sheets = built.map((b, k) => ({ name: sheetNames[k]!, ws: render(b.design, b.spec) }));
        let bytes: Buffer;
        if (format === 'csv') {
          bytes = Buffer.from(`\uFEFF${XLSX.utils.sheet_to_csv(sheets[0]!.ws)}\r\n`, 'utf8');
        } else {
          if (fileRng.chance(0.05)) sheets.push({ name: '填报说明', ws: XLSX.utils.aoa_to_sheet([['填报说明'], ['1. 金额单位为万元。'], ['2. 执行率保留两位小数。']]) });
          bytes = workbookBytes(sheets, format);
        }
        writeFile(rel, bytes, 'workbook', built.length);
        built.forEach((b, k) => {
          const sheet = sheetNames[k]!;
          const index = truth.tables.length;
          truth.tables.push({
            file: rel,
            sheet,
            layout: b.design.layout,
            format,
            project: b.spec.project,
            unit: b.spec.unit,
            fault: b.fault,
            variant: b.variant,
            options: { ...b.design.options, rateFixed2: b.design.rateFixed2, statedWeights: b.design.statedWeights, sources: b.design.sources.length, indicators: b.design.indicators.length },
          });
          if (b.fault) addFault(b.fault, b.variant, rel, sheet, index, b.expected);
          projectSeq++;
          if (b.ledger.include)
            ledger.push({
              unit,
              unitCode: b.design.unitCode,
              projectCode: `${b.design.unitCode}${String(projectSeq).padStart(6, '0')}`,
              project: b.spec.project,
              budget: b.ledger.budget,
              executed: b.ledger.executed,
              orphan: false,
            });
          if (!b.fault && size === 1 && format === 'xlsx') dupCandidates.push({ rel, bytes, tableIndex: index, dept, sheet, built: b });
        });
      }
    }
  }

  // Duplicates: a clean single-table workbook submitted a second time under another name (sorts after the first).
  const dupRng = rng.fork('duplicates');
  for (const c of dupRng.shuffle(dupCandidates).slice(0, dupCount)) {
    const stem = path.posix.basename(c.rel, '.xlsx');
    const rel = uniqueFile(c.dept, `${stem}（重复报送）`, 'xlsx');
    writeFile(rel, c.bytes, 'workbook', 1);
    const index = truth.tables.length;
    truth.tables.push({ ...truth.tables[c.tableIndex]!, file: rel, fault: 'batch.duplicate', variant: null });
    addFault('batch.duplicate', null, rel, c.sheet, index, [{ rule: 'batch.duplicate', cell: c.built.cells.project }]);
  }

  // Bad files: empty, truncated, encrypted (file.unreadable); readable but no table (file.unrecognized).
  const badRng = rng.fork('bad');
  const perKind = Math.max(1, Math.round(o.tables / 500));
  const sample = built0(dupCandidates);
  for (let k = 0; k < perKind; k++) {
    const dept = () => badRng.pick(depts);
    const bad: [string, string, Buffer, string][] = [
      ['empty', '空表', Buffer.alloc(0), 'xlsx'],
      ['truncated', '截断的自评表', sample.subarray(0, Math.floor(sample.length * 0.4)), 'xlsx'],
      ['encrypted', '加密的自评表', encryptedWorkbook(badRng), 'xlsx'],
      ['contacts-xlsx', '联系人名单', workbookBytes([{ name: '联系人', ws: contactsSheet(badRng) }], 'xlsx'), 'xlsx'],
      ['contacts-csv', '通讯录', Buffer.from(`\uFEFF${XLSX.utils.sheet_to_csv(contactsSheet(badRng))}\r\n`, 'utf8'), 'csv'],
    ];
    for (const [kind, stem, bytes, ext] of bad) {
      const rel = uniqueFile(dept(), stem, ext);
      writeFile(rel, bytes, kind, 0);
      const rule = kind.startsWith('contacts') ? 'file.unrecognized' : 'file.unreadable';
      addFault(rule, kind, rel, null, null, [{ rule, cell: null }]);
    }
  }

  // Ledger rows without a table.
  const orphanRng = rng.fork('orphans');
  const orphans = Math.max(1, Math.round(o.tables * 0.005));
  for (let k = 0; k < orphans; k++) {
    const dept = orphanRng.pick(depts);
    const unit = orphanRng.pick(dept.units);
    projectSeq++;
    const budget = new Decimal(orphanRng.int(50, 500000)).div(100);
    ledger.push({ unit, unitCode: unit.code, projectCode: `${unit.code}${String(projectSeq).padStart(6, '0')}`, project: names.next(), budget, executed: budget, orphan: true });
  }

  // The ledger as the budget system exports it: sorted by project code, GB18030, 元 with thousands separators.
  ledger.sort((a, b) => (a.projectCode < b.projectCode ? -1 : a.projectCode > b.projectCode ? 1 : 0));
  const rows: string[][] = [CSV_HEADER];
  const ledgerBase = path.posix.basename(LEDGER_FILE);
  const ledgerSheet = path.posix.basename(LEDGER_FILE, '.csv');
  ledger.forEach((l) => {
    rows.push([l.unit.deptCode, `${N.COUNTY}${l.unit.deptName}`, l.unitCode, l.unit.name, l.projectCode, l.project, yuan(l.budget), yuan(l.executed)]);
    // Said of the project, with no file or cell: the ledger is the bureau's, not a file a department could correct.
    if (l.orphan) addFault('ledger.missing-submission', null, ledgerBase, ledgerSheet, null, [{ rule: 'ledger.missing-submission', file: '', sheet: null, cell: null, project: l.project }]);
  });
  const csv = XLSX.utils.sheet_to_csv(XLSX.utils.aoa_to_sheet(rows), { forceQuotes: true } as XLSX.Sheet2CSVOpts);
  mkdirSync(path.join(root, path.dirname(LEDGER_FILE)), { recursive: true });
  writeFileSync(path.join(root, LEDGER_FILE), iconv.encode(`${csv.replace(/\n/g, '\r\n')}\r\n`, 'gb18030'));

  const c = truth.counts;
  c.tables = truth.tables.length;
  c.faultyTables = truth.tables.filter((t) => t.fault).length;
  c.cleanTables = c.tables - c.faultyTables;
  c.files = truth.files.length;
  c.badFiles = truth.files.filter((f) => f.kind !== 'workbook').length;
  c.ledgerRows = ledger.length;
  for (const f of truth.faults) c.byFault[f.kind] = (c.byFault[f.kind] ?? 0) + 1;
  for (const t of truth.tables) {
    c.byLayout[t.layout] = (c.byLayout[t.layout] ?? 0) + 1;
    c.byFormat[t.format] = (c.byFormat[t.format] ?? 0) + 1;
  }
  writeFileSync(path.join(root, 'truth.json'), `${JSON.stringify(truth, null, 1)}\n`);
  return truth;
}

/** Any well-formed table workbook, to cut short for the truncated file. */
function built0(c: { bytes: Buffer }[]): Buffer {
  const first = c[0];
  if (!first) throw new Error('no clean single-table workbook to derive a truncated file from');
  return first.bytes;
}
