// @ts-check
/**
 * The page's script (served as /app.js; index.html loads it at the end of <body>). Plain browser JavaScript, no
 * build step; type-checked by `tsc -p tsconfig.page.json` through the JSDoc below, linted with the rest. Every text
 * that comes from a submission is put into the page with textContent, never as HTML.
 */
(function () {
  'use strict';

  /**
   * @typedef {'error' | 'warning' | 'info'} Severity
   * @typedef {{ rule: string, severity: Severity, file: string, sheet: string | null, cell: string | null,
   *   department: string | null, unit: string | null, project: string | null, message: string,
   *   expected: string | null, actual: string | null, key?: string, change?: 'new' | 'open', resubmitted?: false }} Finding
   * @typedef {{ files: number, audited: number, unreadable: number, unrecognized: number, tables: number,
   *   findings: number, errors: number, warnings: number, infos: number, departments: number }} Summary
   * @typedef {{ department: string, earlier: { errors: number, warnings: number, infos: number }, fixed: number,
   *   open: number, new: number, fixedErrorShare: number | null, resubmitted: boolean }} Progress
   * @typedef {{ findings: Finding[], summary: Summary, previous?: { files: number, findings: number, errors: number,
   *   warnings: number, infos: number }, resolved?: Finding[], progress?: Progress[] }} FindingsDoc
   * @typedef {{ department: string, file: string | null, errors: number, warnings: number, infos: number }} Department
   * @typedef {{ id: string, status: 'queued' | 'running' | 'done' | 'failed' | 'corrupt', name: string,
   *   createdAt: string, date: string, done: number, total: number, summary: Summary | null, error: string | null,
   *   previous: string | null, previousName: string | null, queuePosition: number | null }} AuditView
   * @typedef {{ file: string, annotated: string | null }} FileEntry
   * @typedef {{ id: string, title: string }} RuleEntry
   * @typedef {{ id: string, status: 'queued' | 'running' | 'done' | 'failed', done: number, total: number,
   *   queuePosition: number | null, error: string | null }} AuditState
   * @typedef {{ file: File, path: string }} Picked
   */

  const WORKBOOK = /\.(xlsx|xls|csv)$/i;
  /** @type {Record<string, string>} */
  const SEVERITY = { error: '错误', warning: '警告', info: '提示' };
  /** @type {Record<Severity, number>} */
  const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };
  const UNKNOWN = '未知部门';

  /** @returns {{ files: Picked[], ledger: File | null, rules: File | null, ignored: number, autoLedger: boolean }} */
  function noSelection() {
    return { files: [], ledger: null, rules: null, ignored: 0, autoLedger: false };
  }
  let sel = noSelection();
  /**
   * @type {{ id: string | null, shown: string | null, doc: FindingsDoc | null, meta: AuditView | null,
   *   departments: Department[], annotated: Record<string, string>, ruleTitles: Record<string, string> }}
   */
  const result = { id: null, shown: null, doc: null, meta: null, departments: [], annotated: {}, ruleTitles: {} };
  /** @type {EventSource | null} */
  let source = null;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let pollTimer = null;
  // From the click on 开始审核 until its audit has finished: a second click would upload the batch again.
  let busy = false;
  /** @type {HTMLElement | null} */
  let lastRow = null;

  /** @param {string} id @returns {HTMLElement} */
  function $(id) {
    const e = document.getElementById(id);
    if (!e) throw new Error(`the page has no #${id}`);
    return e;
  }
  /**
   * @template {HTMLElement} T
   * @param {string} id
   * @param {new () => T} type
   * @returns {T}
   */
  function typed(id, type) {
    const e = $(id);
    if (!(e instanceof type)) throw new Error(`#${id} is not a ${type.name}`);
    return e;
  }
  /** @param {string} id */
  const input = (id) => typed(id, HTMLInputElement);
  /** @param {string} id */
  const select = (id) => typed(id, HTMLSelectElement);
  /** @param {string} id */
  const anchor = (id) => typed(id, HTMLAnchorElement);
  /** @param {string} id */
  const button = (id) => typed(id, HTMLButtonElement);
  /** @param {string} id @returns {HTMLTableSectionElement} */
  function tbodyOf(id) {
    const body = typed(id, HTMLTableElement).tBodies[0];
    if (!body) throw new Error(`#${id} has no tbody`);
    return body;
  }
  /**
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {string | null} [cls]
   * @param {unknown} [text]
   * @returns {HTMLElementTagNameMap[K]}
   */
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  /** @param {string} id @param {boolean} on */
  function show(id, on) {
    $(id).hidden = !on;
  }
  /** @param {string} id @param {string} [rest] */
  function api(id, rest) {
    return `/api/audits/${encodeURIComponent(id)}${rest || ''}`;
  }
  /** @param {number} n */
  function fmtBytes(n) {
    if (n >= 1048576) return `${(n / 1048576).toFixed(1)} MB`;
    if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
    return `${n} 字节`;
  }
  /** @param {string} msg */
  function showError(msg) {
    const e = $('error');
    e.textContent = msg;
    e.hidden = !msg;
  }
  /** @param {unknown} err */
  function messageOf(err) {
    return err instanceof Error ? err.message : String(err);
  }
  /** @param {string} path */
  function hidden(path) {
    return path.split('/').some((s) => s.charAt(0) === '.' || s.indexOf('~$') === 0);
  }

  // ---- choosing files ---------------------------------------------------------------------------------------
  /** @param {Picked[]} list */
  function addFiles(list) {
    for (const it of list) {
      const p = (it.path || it.file.name).replace(/^\/+/, '');
      if (!WORKBOOK.test(p) || hidden(p)) {
        sel.ignored++;
        continue;
      }
      if (!sel.ledger && /台账/.test(p.split('/').pop() ?? '')) {
        sel.ledger = it.file;
        sel.autoLedger = true;
        continue;
      }
      if (sel.files.some((f) => f.path === p)) continue;
      sel.files.push({ file: it.file, path: p });
    }
    renderSelection();
  }
  function renderSelection() {
    const box = $('selection');
    box.textContent = '';
    const list = $('file-list');
    list.textContent = '';
    const ledger = sel.ledger;
    if (!sel.files.length && !ledger) {
      box.textContent = sel.ignored ? `没有可审核的工作簿：已忽略 ${sel.ignored} 个其他类型的文件，请选择 .xlsx、.xls 或 .csv 文件` : '尚未选择文件';
      if (sel.ignored) box.className = 'notice';
    } else {
      box.className = '';
      const size = sel.files.reduce((a, f) => a + f.file.size, 0);
      box.appendChild(document.createTextNode('已选择 '));
      box.appendChild(el('strong', null, sel.files.length));
      box.appendChild(document.createTextNode(` 个工作簿（${fmtBytes(size)}）`));
      if (sel.ignored) box.appendChild(document.createTextNode(`，忽略 ${sel.ignored} 个非工作簿文件`));
      if (ledger) {
        box.appendChild(document.createTextNode('；台账：'));
        box.appendChild(el('strong', null, ledger.name));
        if (sel.autoLedger) {
          box.appendChild(el('span', 'notice', '（文件名含“台账”，已自动作为台账）'));
          const undo = el('button', 'btn small', '改为普通文件');
          undo.type = 'button';
          undo.addEventListener('click', () => {
            sel.files.push({ file: ledger, path: ledger.name });
            sel.ledger = null;
            sel.autoLedger = false;
            renderSelection();
          });
          box.appendChild(undo);
        }
      }
      for (const name of uploadNames(sel.files.map((f) => f.path)).slice(0, 200)) list.appendChild(el('li', null, name));
      if (sel.files.length > 200) list.appendChild(el('li', null, `…… 另有 ${sel.files.length - 200} 个`));
    }
    button('start').disabled = !sel.files.length || busy;
  }
  /** @param {HTMLInputElement} field @param {boolean} relative */
  function fromInput(field, relative) {
    /** @type {Picked[]} */
    const out = [];
    for (const f of Array.from(field.files ?? [])) out.push({ file: f, path: relative && f.webkitRelativePath ? f.webkitRelativePath : f.name });
    field.value = '';
    addFiles(out);
  }
  /** @param {FileSystemDirectoryReader} reader @returns {Promise<FileSystemEntry[]>} */
  function readEntries(reader) {
    return new Promise((resolve, reject) => {
      /** @type {FileSystemEntry[]} */
      let all = [];
      (function next() {
        reader.readEntries((batch) => {
          if (!batch.length) return resolve(all);
          all = all.concat(Array.prototype.slice.call(batch));
          next();
        }, reject);
      })();
    });
  }
  /** @param {FileSystemEntry} entry @param {Picked[]} out @returns {Promise<void>} */
  function walk(entry, out) {
    if (entry.isFile) {
      const file = /** @type {FileSystemFileEntry} */ (entry);
      return new Promise((resolve) => {
        file.file(
          (f) => {
            out.push({ file: f, path: entry.fullPath });
            resolve();
          },
          () => resolve(),
        );
      });
    }
    if (entry.isDirectory) {
      const dir = /** @type {FileSystemDirectoryEntry} */ (entry);
      return readEntries(dir.createReader()).then((children) =>
        children.reduce((p, c) => p.then(() => walk(c, out)), Promise.resolve()),
      );
    }
    return Promise.resolve();
  }

  const dz = $('dropzone');
  for (const t of ['dragenter', 'dragover'])
    dz.addEventListener(t, (e) => {
      e.preventDefault();
      dz.classList.add('over');
    });
  for (const t of ['dragleave', 'dragend']) dz.addEventListener(t, () => dz.classList.remove('over'));
  dz.addEventListener('drop', (e) => {
    e.preventDefault();
    dz.classList.remove('over');
    const dt = e.dataTransfer;
    if (!dt) return;
    /** @type {FileSystemEntry[]} */
    const entries = [];
    /** @type {Picked[]} */
    const plain = [];
    // Entries must be taken now: the item list is emptied once the event is over.
    for (const item of Array.from(dt.items || [])) {
      if (item.kind !== 'file') continue;
      const entry = item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
      if (entry) entries.push(entry);
      else {
        const f = item.getAsFile();
        if (f) plain.push({ file: f, path: f.name });
      }
    }
    if (!entries.length && !plain.length && dt.files) for (const f of Array.from(dt.files)) plain.push({ file: f, path: f.name });
    const out = plain;
    entries.reduce((p, en) => p.then(() => walk(en, out)), Promise.resolve()).then(() => addFiles(out));
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => e.preventDefault());

  const filesInput = input('files-input');
  const folderInput = input('folder-input');
  const ledgerInput = input('ledger-input');
  const rulesInput = input('rules-input');
  filesInput.addEventListener('change', () => fromInput(filesInput, false));
  folderInput.addEventListener('change', () => fromInput(folderInput, true));
  ledgerInput.addEventListener('change', () => {
    sel.ledger = ledgerInput.files?.[0] ?? null;
    sel.autoLedger = false;
    renderSelection();
  });
  rulesInput.addEventListener('change', () => {
    sel.rules = rulesInput.files?.[0] ?? null;
  });
  $('clear').addEventListener('click', () => {
    sel = noSelection();
    ledgerInput.value = '';
    rulesInput.value = '';
    showError('');
    renderSelection();
  });

  // A chosen folder that holds department folders is the bureau's folder, as in recon audit FOLDER: its own
  // name is dropped so the folders under it name the departments. One department's folder of plain files keeps
  // its name, which is then the department of last resort for a file with no readable table.
  /** @param {string[]} paths */
  function uploadNames(paths) {
    const split = paths.map((p) => p.split('/'));
    const top = split[0]?.[0] ?? '';
    const oneTop = split.every((s) => s.length > 1 && s[0] === top);
    const deeper = split.some((s) => s.length > 2);
    return oneTop && deeper ? split.map((s) => s.slice(1).join('/')) : paths;
  }

  // ---- signing in and out ------------------------------------------------------------------------------------
  /** A request the server refused for want of a session: to the login page. @param {Response} r */
  function signedOut(r) {
    if (r.status === 401) {
      location.assign('/login');
      return true;
    }
    return false;
  }
  fetch('/api/session')
    .then((r) => r.json())
    .then((s) => {
      if (s?.login) show('logout-form', true);
    })
    .catch(() => {});

  // ---- history ------------------------------------------------------------------------------------------------
  /** @type {AuditView[]} */
  let audits = [];
  // The clerk's own choice of the audit to compare with; until then the newest finished audit is offered.
  let previousChosen = false;
  /** @type {string | null} */
  let renaming = null;
  /** @type {string | null} */
  let confirming = null;

  /** @param {string} iso */
  function when(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '—';
    const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
  }
  /** @type {Record<string, string>} */
  const STATUS = { queued: '排队中', running: '审核中', done: '已完成', failed: '失败', corrupt: '记录损坏' };

  function loadHistory() {
    return fetch('/api/audits')
      .then((r) => {
        if (signedOut(r)) throw new Error('请先登录');
        return r.json();
      })
      .then((list) => {
        audits = /** @type {AuditView[]} */ (list);
        renderHistory();
        renderPreviousChoice();
      })
      .catch((err) => showError(`读取历次审核失败：${messageOf(err)}`));
  }


  function renderHistory() {
    const tbody = tbodyOf('history');
    tbody.textContent = '';
    for (const a of audits) {
      const tr = el('tr', a.status === 'corrupt' ? 'corrupt' : null);
      tr.setAttribute('data-testid', 'history-row');
      tr.setAttribute('data-id', a.id);
      tr.setAttribute('data-status', a.status);
      if (a.id === result.shown) tr.classList.add('current');
      const name = el('td', 'name');
      name.setAttribute('data-testid', 'history-name');
      if (renaming === a.id) {
        const field = el('input', 'rename-input');
        field.type = 'text';
        field.maxLength = 100;
        field.value = a.name;
        field.setAttribute('data-testid', 'history-rename-input');
        field.setAttribute('aria-label', '新名称');
        const save = el('button', 'btn small primary', '保存');
        save.type = 'button';
        save.setAttribute('data-testid', 'history-rename-save');
        const cancel = el('button', 'btn small', '取消');
        cancel.type = 'button';
        const done = () => {
          renaming = null;
          renderHistory();
        };
        save.addEventListener('click', () => rename(a.id, field.value));
        cancel.addEventListener('click', done);
        field.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') rename(a.id, field.value);
          if (e.key === 'Escape') done();
        });
        name.append(field, ' ', save, ' ', cancel);
        setTimeout(() => field.focus(), 0);
      } else {
        name.textContent = a.name;
        if (a.previousName) name.appendChild(el('div', 'hint', `与“${a.previousName}”比较`));
        else if (a.previous) name.appendChild(el('div', 'hint', '与一次已删除的审核比较'));
      }
      tr.appendChild(name);
      tr.appendChild(el('td', null, a.status === 'corrupt' ? '—' : when(a.createdAt)));
      const s = a.summary;
      const cells = /** @type {[unknown, string?][]} */ ([
        [s ? s.files : a.status === 'corrupt' ? '—' : a.total],
        [s ? s.tables : '—'],
        [s ? s.errors : '—', 'e'],
        [s ? s.warnings : '—', 'w'],
        [s ? s.infos : '—', 'i'],
      ]);
      for (const [v, cls] of cells) {
        const td = el('td', `num${cls ? ` ${cls}` : ''}`);
        td.textContent = String(v);
        tr.appendChild(td);
      }
      const status = el('td');
      const badge = el('span', `status ${a.status}`, STATUS[a.status] || a.status);
      badge.setAttribute('data-testid', 'history-status');
      if (a.error) badge.title = a.error;
      status.appendChild(badge);
      if (a.status === 'running' && a.total) status.appendChild(document.createTextNode(` ${a.done}/${a.total}`));
      if (a.status === 'failed' || a.status === 'corrupt') status.appendChild(el('div', 'hint', a.error || ''));
      tr.appendChild(status);
      const actions = el('td');
      const box = el('div', 'actions');
      if (confirming === a.id) {
        box.appendChild(el('span', null, '确定删除这次审核及其全部文件？'));
        const yes = el('button', 'btn small danger primary', '确定删除');
        yes.type = 'button';
        yes.setAttribute('data-testid', 'history-delete-confirm');
        yes.addEventListener('click', () => remove(a.id));
        const no = el('button', 'btn small', '取消');
        no.type = 'button';
        no.setAttribute('data-testid', 'history-delete-cancel');
        no.addEventListener('click', () => {
          confirming = null;
          renderHistory();
        });
        box.append(yes, no);
      } else {
        if (a.status !== 'corrupt') {
          const open = el('button', 'btn small', '打开');
          open.type = 'button';
          open.setAttribute('data-testid', 'history-open');
          open.addEventListener('click', () => openAudit(a.id));
          const ren = el('button', 'btn small', '改名');
          ren.type = 'button';
          ren.setAttribute('data-testid', 'history-rename');
          ren.addEventListener('click', () => {
            renaming = a.id;
            confirming = null;
            renderHistory();
          });
          box.append(open, ren);
        }
        if (a.status !== 'running') {
          const del = el('button', 'btn small danger', '删除');
          del.type = 'button';
          del.setAttribute('data-testid', 'history-delete');
          del.addEventListener('click', () => {
            confirming = a.id;
            renaming = null;
            renderHistory();
          });
          box.appendChild(del);
        }
      }
      actions.appendChild(box);
      tr.appendChild(actions);
      tbody.appendChild(tr);
    }
    show('history-empty', !audits.length);
  }

  /** @param {string} id @param {string} name */
  function rename(id, name) {
    fetch(api(id), { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) })
      .then((r) =>
        r.json().then((b) => {
          if (signedOut(r)) return;
          if (!r.ok) throw new Error(b?.error ? b.error : `改名失败（${r.status}）`);
          renaming = null;
          showError('');
          if (result.shown === id && result.meta) {
            result.meta = /** @type {AuditView} */ (b);
            renderHeading();
          }
          return loadHistory();
        }),
      )
      .catch((err) => showError(messageOf(err)));
  }

  /** @param {string} id */
  function remove(id) {
    fetch(api(id), { method: 'DELETE' })
      .then((r) => {
        if (signedOut(r)) return;
        if (!r.ok && r.status !== 404) return r.json().then((b) => Promise.reject(new Error(b?.error ? b.error : `删除失败（${r.status}）`)));
        confirming = null;
        if (result.shown === id || result.id === id) {
          stopWatching();
          result.id = null;
          result.shown = null;
          result.doc = null;
          show('results', false);
          show('progress-section', false);
          closeDetail();
          if (history.replaceState) history.replaceState(null, '', location.pathname);
        }
        return loadHistory();
      })
      .catch((err) => showError(messageOf(err)));
  }

  /** @param {string} id */
  function openAudit(id) {
    showError('');
    closeDetail();
    if (location.hash !== `#audit=${id}`) location.hash = `audit=${id}`;
    else {
      result.id = null;
      fromAddress();
    }
  }

  /** The audits a new one can be compared with (finished, newest first); the newest chosen unless the clerk chose. */
  function renderPreviousChoice() {
    const field = select('previous-select');
    const keep = field.value;
    const done = audits.filter((a) => a.status === 'done');
    field.textContent = '';
    done.forEach((a, i) => {
      field.appendChild(new Option(`与“${a.name}”比较${i === 0 ? '（最近一次）' : ''}`, a.id));
    });
    field.appendChild(new Option('不比较', 'none'));
    if (previousChosen && (keep === 'none' || done.some((a) => a.id === keep))) field.value = keep;
    else field.value = done[0]?.id ?? 'none';
  }
  select('previous-select').addEventListener('change', () => {
    previousChosen = true;
  });

  // ---- upload and progress --------------------------------------------------------------------------------
  /** @param {number} frac @param {string} text */
  function setProgress(frac, text) {
    show('progress-section', true);
    $('progress-bar').style.width = `${Math.max(0, Math.min(100, frac * 100)).toFixed(1)}%`;
    $('progress-text').textContent = text;
  }
  $('start').addEventListener('click', () => {
    if (!sel.files.length || busy) return;
    showError('');
    closeDetail();
    const fd = new FormData();
    const names = uploadNames(sel.files.map((f) => f.path));
    sel.files.forEach((f, i) => {
      fd.append('files', f.file, names[i]);
    });
    if (sel.ledger) fd.append('ledger', sel.ledger, sel.ledger.name);
    if (sel.rules) fd.append('rules', sel.rules, sel.rules.name);
    const name = input('audit-name').value.trim();
    if (name) fd.append('name', name);
    fd.append('previous', select('previous-select').value || 'none');
    busy = true;
    button('start').disabled = true;
    setProgress(0, '正在上传……');
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/audits');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) setProgress(e.loaded / e.total, `正在上传：${fmtBytes(e.loaded)} / ${fmtBytes(e.total)}`);
    };
    xhr.onload = () => {
      if (xhr.status === 401) {
        location.assign('/login');
        return;
      }
      /** @type {{ id?: string, error?: string } | null} */
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if ((xhr.status === 200 || xhr.status === 202) && body?.id) {
        // The earlier results stay on screen until the upload is taken; from here they are the new audit's.
        show('results', false);
        // What was chosen has been sent: the next round starts from an empty selection.
        sel = noSelection();
        ledgerInput.value = '';
        rulesInput.value = '';
        renderSelection();
        input('audit-name').value = '';
        previousChosen = false;
        setProgress(0, '上传完成，等待审核……');
        watch(body.id);
        loadHistory();
      } else {
        idle();
        show('progress-section', false);
        showError(`上传失败：${body?.error ? body.error : `服务器没有回答（${xhr.status}）`}`);
      }
    };
    xhr.onerror = () => {
      idle();
      show('progress-section', false);
      showError('上传失败：无法连接服务器');
    };
    xhr.send(fd);
  });

  function idle() {
    busy = false;
    button('start').disabled = !sel.files.length;
  }
  /** @param {AuditState} s */
  function showStatus(s) {
    if (s.status === 'queued') {
      setProgress(0, s.queuePosition ? `排队中：前面还有 ${s.queuePosition} 个审核` : '排队中，即将开始……');
    } else if (s.status === 'running') {
      setProgress(s.total ? s.done / s.total : 0, s.total && s.done >= s.total ? '所有文件已审核，正在生成整改清单和汇总表……' : `正在审核：已完成 ${s.done} / ${s.total} 个文件`);
    } else if (s.status === 'done') {
      setProgress(1, `审核完成：共 ${s.total} 个文件`);
    } else if (s.status === 'failed') {
      setProgress(0, '审核失败');
    }
  }
  function stopWatching() {
    if (source) {
      source.close();
      source = null;
    }
    if (pollTimer) {
      clearTimeout(pollTimer);
      pollTimer = null;
    }
  }
  /** @param {AuditState} s */
  function final(s) {
    stopWatching();
    idle();
    showStatus(s);
    loadHistory();
    if (s.status === 'failed') {
      showError(s.error || '审核失败');
      return;
    }
    loadResults(s.id);
  }
  /** @param {string} id */
  function poll(id) {
    fetch(api(id, '/status'))
      .then((r) => {
        if (signedOut(r)) throw new Error('请先登录');
        if (r.status === 404) throw new Error('没有这个审核（可能已被删除）');
        if (r.status === 422) return r.json().then((b) => Promise.reject(new Error(b?.error || '该审核无法打开')));
        return /** @type {Promise<AuditState>} */ (r.json());
      })
      .then((s) => {
        if (s.status === 'done' || s.status === 'failed') return final(s);
        showStatus(s);
        pollTimer = setTimeout(() => poll(id), 1000);
      })
      .catch((err) => {
        idle();
        showError(messageOf(err));
      });
  }
  /** @param {string} id */
  function watch(id) {
    stopWatching();
    result.id = id;
    if (history.replaceState) history.replaceState(null, '', `#audit=${id}`);
    if (typeof EventSource === 'undefined') return poll(id);
    let finished = false;
    const events = new EventSource(api(id, '/events'));
    source = events;
    events.addEventListener('progress', (ev) => showStatus(JSON.parse(ev.data)));
    events.addEventListener('done', (ev) => {
      finished = true;
      final(JSON.parse(ev.data));
    });
    events.onerror = () => {
      if (finished) return;
      if (source) {
        source.close();
        source = null;
      }
      poll(id);
    };
  }

  // ---- results ----------------------------------------------------------------------------------------------
  /** @param {string} url @returns {Promise<any>} */
  function getJson(url) {
    return fetch(url).then((r) => {
      if (signedOut(r)) throw new Error('请先登录');
      return r.json().then((b) => {
        if (!r.ok) throw new Error(b?.error ? b.error : `请求失败（${r.status}）`);
        return b;
      });
    });
  }
  /** @param {string} id */
  function loadResults(id) {
    Promise.all([getJson(api(id)), getJson(api(id, '/departments')), getJson(api(id, '/files')), getJson('/api/rules'), getJson(api(id, '/status'))])
      .then(([doc, departments, files, rules, meta]) => {
        if (result.shown !== id) resetFilters();
        result.shown = id;
        result.id = id;
        result.doc = /** @type {FindingsDoc} */ (doc);
        result.meta = /** @type {AuditView} */ (meta);
        result.departments = /** @type {Department[]} */ (departments);
        result.annotated = {};
        for (const f of /** @type {FileEntry[]} */ (files)) if (f.annotated) result.annotated[f.file] = f.annotated;
        result.ruleTitles = {};
        for (const r of /** @type {RuleEntry[]} */ (rules)) result.ruleTitles[r.id] = r.title;
        render();
        renderHistory();
      })
      .catch((err) => showError(`读取审核结果失败：${messageOf(err)}`));
  }
  /** The audit shown: its id and findings.json. */
  function shown() {
    if (!result.id || !result.doc) throw new Error('no audit loaded');
    return { id: result.id, doc: result.doc };
  }
  // Finance staff read the rule's title: an id is the program's word, never shown on the page.
  /** @param {string} rule */
  function ruleLabel(rule) {
    const t = Object.hasOwn(result.ruleTitles, rule) ? result.ruleTitles[rule] : null;
    return t || '其他问题';
  }
  /** @param {number} n @param {string} label @param {string} [cls] */
  function stat(n, label, cls) {
    const d = el('div', `stat${cls ? ` ${cls}` : ''}`);
    d.appendChild(el('div', 'n', n));
    d.appendChild(el('div', 'l', label));
    d.setAttribute('data-testid', `stat-${cls || label}`);
    return d;
  }
  function compared() {
    return !!result.doc?.progress;
  }
  /** The audit's name and date, on the page and on paper. */
  function renderHeading() {
    const m = result.meta;
    const name = m ? m.name : '';
    $('result-name').textContent = name;
    const parts = [];
    if (m) parts.push(`审核时间：${when(m.createdAt)}`);
    if (m?.previous) parts.push(m.previousName ? `与“${m.previousName}”比较` : '与一次已删除的审核比较');
    $('result-meta').textContent = parts.join('；');
    $('print-title').textContent = `绩效自评表审核结果：${name}`;
    $('print-meta').textContent = parts.join('；');
  }
  function render() {
    const { id, doc } = shown();
    const s = doc.summary;
    renderHeading();
    const box = $('summary');
    box.textContent = '';
    box.appendChild(stat(s.files, '文件'));
    box.appendChild(stat(s.audited, '已审核'));
    box.appendChild(stat(s.unreadable, '无法读取'));
    box.appendChild(stat(s.unrecognized, '无法识别'));
    box.appendChild(stat(s.tables, '自评表'));
    box.appendChild(stat(s.errors, '错误（须整改）', 'error'));
    box.appendChild(stat(s.warnings, '警告（须说明）', 'warning'));
    box.appendChild(stat(s.infos, '提示', 'info'));
    box.appendChild(stat(s.departments, '涉及部门'));
    if (doc.resolved) box.appendChild(stat(doc.resolved.length, '已整改', 'fixed'));
    anchor('download-all').href = api(id, '/corrections.zip');
    anchor('download-summary').href = api(id, '/summary.xlsx');
    anchor('download-json').href = api(id, '/findings.json');
    $('results').classList.toggle('compared', compared());
    show('filter-change-label', compared());
    if (!compared()) select('filter-change').value = '';
    renderProgress();
    renderDepartments();
    renderFilters();
    renderFindings();
    show('results', true);
  }

  /** 整改进度: per department, fixed / still open / new as a stacked bar, and the table. */
  function renderProgress() {
    const doc = shown().doc;
    const list = doc.progress ?? [];
    show('progress-card', list.length > 0);
    const chart = $('progress-chart');
    chart.textContent = '';
    const tbody = tbodyOf('progress-table');
    tbody.textContent = '';
    if (!list.length) return;
    const p = doc.previous;
    $('progress-meta').textContent = p
      ? `上一轮审核：错误 ${p.errors} 个，警告 ${p.warnings} 个，提示 ${p.infos} 个；本次：已整改 ${doc.resolved?.length ?? 0} 个，仍未整改 ${doc.findings.filter((f) => f.change === 'open').length} 个，新增 ${doc.findings.filter((f) => f.change === 'new').length} 个`
      : '';
    const max = list.reduce((m, d) => Math.max(m, d.fixed + d.open + d.new), 0) || 1;
    const ordered = list.slice().sort((a, b) => b.open + b.new - (a.open + a.new) || b.fixed - a.fixed || (a.department < b.department ? -1 : 1));
    for (const d of ordered) {
      const name = el('div', 'pname', d.department);
      const bar = el('div', 'pbar');
      bar.setAttribute('data-testid', 'progress-row');
      bar.setAttribute('data-department', d.department);
      bar.setAttribute('data-fixed', String(d.fixed));
      bar.setAttribute('data-open', String(d.open));
      bar.setAttribute('data-new', String(d.new));
      bar.title = `已整改 ${d.fixed}，仍未整改 ${d.open}，新增 ${d.new}`;
      /** @type {[string, number][]} */
      const parts = [
        ['fixed', d.fixed],
        ['open', d.open],
        ['new', d.new],
      ];
      for (const [cls, n] of parts) {
        if (!n) continue;
        const seg = el('span', cls);
        seg.style.width = `${((n / max) * 100).toFixed(2)}%`;
        bar.appendChild(seg);
      }
      const nums = el('div', 'pnums', `已整改 ${d.fixed} · 仍未整改 ${d.open} · 新增 ${d.new}`);
      chart.append(name, bar, nums);
    }
    for (const d of list) {
      const tr = el('tr');
      tr.setAttribute('data-testid', 'progress-table-row');
      tr.setAttribute('data-department', d.department);
      tr.appendChild(el('td', null, d.department));
      for (const n of [d.earlier.errors, d.earlier.warnings, d.earlier.infos, d.fixed, d.open, d.new]) tr.appendChild(el('td', 'num', n));
      tr.appendChild(el('td', 'num', d.fixedErrorShare === null ? '—' : `${d.fixedErrorShare}%`));
      tr.appendChild(el('td', null, d.resubmitted ? '是' : '未重新报送'));
      tbody.appendChild(tr);
    }
  }

  function renderDepartments() {
    const { id } = shown();
    const tbody = tbodyOf('departments');
    tbody.textContent = '';
    const withFindings = result.departments.filter((d) => d.errors + d.warnings + d.infos > 0 || d.file);
    const max = withFindings.reduce((m, d) => Math.max(m, d.errors + d.warnings + d.infos), 0) || 1;
    withFindings.forEach((d, i) => {
      const tr = el('tr');
      tr.setAttribute('data-testid', 'dept-row');
      tr.setAttribute('data-department', d.department);
      tr.appendChild(el('td', 'num', i + 1));
      const name = el('td', 'name');
      const a = el('a', null, d.department);
      a.href = '#';
      a.title = '只看该部门的问题';
      a.addEventListener('click', (e) => {
        e.preventDefault();
        select('filter-department').value = d.department;
        page = 0;
        renderFindings();
        $('findings').scrollIntoView({ behavior: 'smooth', block: 'start' });
      });
      name.appendChild(a);
      tr.appendChild(name);
      const chart = el('td', 'chart');
      const bar = el('div', 'bar');
      bar.title = `错误 ${d.errors}，警告 ${d.warnings}，提示 ${d.infos}`;
      /** @type {[string, number][]} */
      const parts = [
        ['e', d.errors],
        ['w', d.warnings],
        ['i', d.infos],
      ];
      for (const [cls, n] of parts) {
        if (!n) continue;
        const seg = el('span', cls);
        seg.style.width = `${((n / max) * 100).toFixed(2)}%`;
        bar.appendChild(seg);
      }
      chart.appendChild(bar);
      tr.appendChild(chart);
      tr.appendChild(el('td', 'num', d.errors));
      tr.appendChild(el('td', 'num', d.warnings));
      tr.appendChild(el('td', 'num infos', d.infos));
      const dl = el('td', 'no-print');
      const file = d.file;
      if (file) {
        /** @type {[string, string, string][]} */
        const links = [
          [api(id, `/bundles/${encodeURIComponent(`${file}.zip`)}`), '整改材料（zip）', 'download-bundle'],
          [api(id, `/corrections/${encodeURIComponent(`${file}.xlsx`)}`), 'Excel', 'download-xlsx'],
          [api(id, `/corrections/${encodeURIComponent(`${file}.csv`)}`), 'CSV', 'download-csv'],
        ];
        links.forEach(([href, label, testid], k) => {
          const link = el('a', 'btn small', label);
          link.href = href;
          link.setAttribute('download', '');
          link.setAttribute('data-testid', testid);
          if (k === 0) link.title = '该部门的整改清单和带批注的原工作簿，一个压缩包';
          if (k) dl.appendChild(document.createTextNode(' '));
          dl.appendChild(link);
        });
      }
      tr.appendChild(dl);
      tbody.appendChild(tr);
    });
    show('departments-empty', !withFindings.length);
  }
  /** @param {HTMLSelectElement} field @param {[string, string][]} options @param {string} first */
  function fillSelect(field, options, first) {
    const keep = field.value;
    field.textContent = '';
    field.appendChild(new Option(first, ''));
    for (const [value, text] of options) field.appendChild(new Option(text, value));
    field.value = options.some((o) => o[0] === keep) ? keep : '';
  }
  function renderFilters() {
    const f = shown().doc.findings;
    fillSelect(
      select('filter-department'),
      result.departments.filter((d) => d.errors + d.warnings + d.infos > 0).map((d) => [d.department, `${d.department}（${d.errors + d.warnings + d.infos}）`]),
      '全部部门',
    );
    /** @type {Record<string, number>} */
    const byRule = {};
    for (const x of f) byRule[x.rule] = (byRule[x.rule] || 0) + 1;
    const count = (/** @type {string} */ r) => byRule[r] ?? 0;
    const rules = Object.keys(byRule).sort((a, b) => count(b) - count(a) || (a < b ? -1 : 1));
    fillSelect(
      select('filter-rule'),
      rules.map((r) => [r, `${ruleLabel(r)}（${count(r)}）`]),
      '全部类型',
    );
  }

  /** What the search box asks for: every word must be in the project, the unit or the message. */
  function searchWords() {
    return input('search')
      .value.trim()
      .toLowerCase()
      .split(/\s+/)
      .filter(Boolean);
  }
  /** @param {Finding} x @param {string[]} words */
  function matches(x, words) {
    if (!words.length) return true;
    const text = `${x.project || ''}\n${x.unit || ''}\n${x.message}`.toLowerCase();
    return words.every((w) => text.includes(w));
  }
  /** @param {Finding} x */
  function changeOf(x) {
    return x.change === 'new' ? 'new' : x.change === 'open' ? 'open' : 'resolved';
  }
  /** @param {Finding} x @param {boolean} resolved */
  function changeLabel(x, resolved) {
    if (resolved) return '已整改';
    if (x.change === 'new') return '新增';
    if (x.change === 'open') return x.resubmitted === false ? '仍未整改（本表未重新报送）' : '仍未整改';
    return '';
  }
  /** @returns {{ list: Finding[], resolved: boolean }} */
  function filtered() {
    const doc = shown().doc;
    const dep = select('filter-department').value;
    const rule = select('filter-rule').value;
    const sev = select('filter-severity').value;
    const change = select('filter-change').value;
    const words = searchWords();
    const resolved = change === 'resolved';
    const base = resolved ? (doc.resolved ?? []) : doc.findings;
    const list = base
      .filter(
        (x) =>
          (!dep || (x.department || UNKNOWN) === dep) &&
          (!rule || x.rule === rule) &&
          (!sev || x.severity === sev) &&
          (resolved || !change || changeOf(x) === change) &&
          matches(x, words),
      )
      .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    return { list, resolved };
  }
  /** @param {string} s */
  function sevBadge(s) {
    return el('span', `sev ${s}`, SEVERITY[s] || s);
  }

  // On screen the findings come a page at a time; on paper all of them (the print layout draws every row).
  const PAGE_SIZE = 50;
  let page = 0;
  let printing = false;

  function renderFindings() {
    const { list, resolved } = filtered();
    const pages = Math.max(1, Math.ceil(list.length / PAGE_SIZE));
    if (page >= pages) page = pages - 1;
    const rows = printing ? list : list.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    const tbody = tbodyOf('findings');
    tbody.textContent = '';
    for (const x of rows) {
      const tr = el('tr');
      tr.tabIndex = 0;
      tr.setAttribute('data-testid', 'finding-row');
      tr.setAttribute('data-rule', x.rule);
      tr.setAttribute('data-severity', x.severity);
      tr.setAttribute('data-change', resolved ? 'resolved' : x.change || '');
      const type = el('td', null, ruleLabel(x.rule));
      const severity = el('td');
      severity.appendChild(sevBadge(x.severity));
      const change = el('td', 'change-col');
      const label = changeLabel(x, resolved);
      if (label) change.appendChild(el('span', `chg ${resolved ? 'resolved' : changeOf(x)}`, label));
      /** @type {[string, HTMLElement][]} */
      const cells = [
        ['文件', el('td', null, x.file)],
        ['工作表', el('td', null, x.sheet || '—')],
        ['单元格', el('td', 'cell', x.cell || '—')],
        ['项目', el('td', null, x.project || '—')],
        ['问题类型', type],
        ['严重程度', severity],
        ['问题说明', el('td', null, x.message)],
        ['整改情况', change],
      ];
      for (const [label, td] of cells) {
        td.setAttribute('data-label', label);
        tr.appendChild(td);
      }
      const open = () => {
        for (const r of Array.from(tbody.querySelectorAll('tr.selected'))) r.classList.remove('selected');
        tr.classList.add('selected');
        lastRow = tr;
        openDetail(x, resolved);
      };
      tr.addEventListener('click', open);
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') open();
      });
      tbody.appendChild(tr);
    }
    const total = shown().doc.findings.length;
    const what = resolved ? '已整改的问题' : '问题';
    $('filter-count').textContent =
      `显示 ${rows.length} / ${list.length} 条${what === '问题' ? '' : `${what}`}` + (!resolved && list.length !== total ? `（共 ${total} 条）` : '');
    show('findings-empty', !list.length);
    show('pager', !printing && pages > 1);
    $('page-info').textContent = `第 ${page + 1} / ${pages} 页`;
    button('page-prev').disabled = page === 0;
    button('page-next').disabled = page >= pages - 1;
    const chosen = [];
    const dep = select('filter-department').value;
    if (dep) chosen.push(`部门：${dep}`);
    if (select('filter-rule').value) chosen.push(`问题类型：${ruleLabel(select('filter-rule').value)}`);
    if (select('filter-severity').value) chosen.push(`严重程度：${SEVERITY[select('filter-severity').value]}`);
    const ch = select('filter-change');
    if (ch.value) chosen.push(`整改情况：${ch.options[ch.selectedIndex]?.text ?? ''}`);
    if (searchWords().length) chosen.push(`查找：${input('search').value.trim()}`);
    $('print-filters').textContent = `问题明细 ${list.length} 条${chosen.length ? `（${chosen.join('，')}）` : ''}`;
  }
  const FILTERS = ['filter-department', 'filter-rule', 'filter-severity', 'filter-change'];
  for (const id of FILTERS)
    $(id).addEventListener('change', () => {
      page = 0;
      renderFindings();
    });
  input('search').addEventListener('input', () => {
    page = 0;
    if (result.doc) renderFindings();
  });
  function resetFilters() {
    for (const id of FILTERS) select(id).value = '';
    input('search').value = '';
    page = 0;
  }
  $('filter-reset').addEventListener('click', () => {
    resetFilters();
    renderFindings();
  });
  $('page-prev').addEventListener('click', () => {
    page = Math.max(0, page - 1);
    renderFindings();
  });
  $('page-next').addEventListener('click', () => {
    page++;
    renderFindings();
  });

  // Paper gets every finding of the current selection, not the page on screen: drawn when printing starts (the
  // print dialog, or the print media the browser is told to use), and the page back afterwards.
  /** @param {boolean} on */
  function setPrinting(on) {
    if (printing === on) return;
    printing = on;
    if (result.doc) renderFindings();
  }
  window.addEventListener('beforeprint', () => setPrinting(true));
  window.addEventListener('afterprint', () => setPrinting(false));
  const printMedia = window.matchMedia ? window.matchMedia('print') : null;
  printMedia?.addEventListener('change', (e) => setPrinting(e.matches));
  $('print').addEventListener('click', () => {
    setPrinting(true);
    window.print();
  });

  /** @param {string} id @param {string | null | undefined} v */
  function setText(id, v) {
    $(id).textContent = v === null || v === undefined || v === '' ? '—' : String(v);
  }
  /** @param {Finding} x @param {boolean} resolved */
  function openDetail(x, resolved) {
    const sv = $('detail-severity');
    sv.textContent = '';
    sv.appendChild(sevBadge(x.severity));
    setText('detail-rule', ruleLabel(x.rule));
    setText('detail-message', x.message);
    setText('detail-expected', x.expected);
    setText('detail-actual', x.actual);
    setText('detail-file', x.file);
    setText('detail-sheet', x.sheet);
    setText('detail-cell', x.cell);
    setText('detail-project', x.project);
    setText('detail-department', x.department || UNKNOWN);
    setText('detail-unit', x.unit);
    setText('detail-change', changeLabel(x, resolved));
    show('detail-change-label', compared());
    show('detail-change', compared());
    const ann = resolved ? undefined : result.annotated[x.file];
    const link = anchor('detail-annotated');
    if (ann) {
      link.href = api(shown().id, `/annotated/${ann.split('/').map(encodeURIComponent).join('/')}`);
      link.hidden = false;
    } else link.hidden = true;
    show('detail', true);
    // Keyboard users land in the panel (its links next), and go back to their row when it closes.
    $('detail').focus();
  }
  function closeDetail() {
    const wasOpen = !$('detail').hidden;
    show('detail', false);
    if (wasOpen && lastRow && document.body.contains(lastRow)) lastRow.focus();
    for (const r of Array.from(document.querySelectorAll('#findings tr.selected'))) r.classList.remove('selected');
  }
  $('detail-close').addEventListener('click', closeDetail);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') closeDetail();
  });

  renderSelection();
  function fromAddress() {
    const m = /audit=([0-9a-f-]{36})/.exec(location.hash);
    if (m?.[1] && m[1] !== result.id) {
      showError('');
      show('results', false);
      closeDetail();
      watch(m[1]);
    }
  }
  // An audit's link pasted into the address bar of an open page: load that audit.
  window.addEventListener('hashchange', fromAddress);
  loadHistory();
  fromAddress();
})();
