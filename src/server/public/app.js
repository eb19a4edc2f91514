// @ts-check
(function () {
  'use strict';
  var WORKBOOK = /\.(xlsx|xls|csv)$/i;
  var SEVERITY = { error: '错误', warning: '警告', info: '提示' };
  var SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };
  var UNKNOWN = '未知部门';
  var MAX_ROWS = 1000;
  var sel = { files: [], ledger: null, rules: null, ignored: 0, autoLedger: false };
  var result = { id: null, doc: null, departments: [], annotated: {}, ruleTitles: {} };
  var source = null;
  var pollTimer = null;
  // From the click on 开始审核 until its audit has finished: a second click would upload the batch again.
  var busy = false;
  var lastRow = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function show(id, on) { $(id).hidden = !on; }
  function api(id, rest) { return '/api/audits/' + encodeURIComponent(id) + (rest || ''); }
  function fmtBytes(n) {
    if (n >= 1048576) return (n / 1048576).toFixed(1) + ' MB';
    if (n >= 1024) return (n / 1024).toFixed(1) + ' KB';
    return n + ' 字节';
  }
  function showError(msg) { var e = $('error'); e.textContent = msg; e.hidden = !msg; }
  function hidden(path) {
    return path.split('/').some(function (s) { return s.charAt(0) === '.' || s.indexOf('~$') === 0; });
  }

  // ---- choosing files ---------------------------------------------------------------------------------------
  function addFiles(list) {
    list.forEach(function (it) {
      var p = (it.path || it.file.name).replace(/^\/+/, '');
      if (!WORKBOOK.test(p) || hidden(p)) { sel.ignored++; return; }
      if (!sel.ledger && /台账/.test(p.split('/').pop())) { sel.ledger = it.file; sel.autoLedger = true; return; }
      if (sel.files.some(function (f) { return f.path === p; })) return;
      sel.files.push({ file: it.file, path: p });
    });
    renderSelection();
  }
  function renderSelection() {
    var box = $('selection');
    box.textContent = '';
    var list = $('file-list');
    list.textContent = '';
    if (!sel.files.length && !sel.ledger) {
      box.textContent = sel.ignored ? '没有可审核的工作簿：已忽略 ' + sel.ignored + ' 个其他类型的文件，请选择 .xlsx、.xls 或 .csv 文件' : '尚未选择文件';
      if (sel.ignored) box.className = 'notice';
    } else {
      box.className = '';
      var size = sel.files.reduce(function (a, f) { return a + f.file.size; }, 0);
      box.appendChild(document.createTextNode('已选择 '));
      box.appendChild(el('strong', null, sel.files.length));
      box.appendChild(document.createTextNode(' 个工作簿（' + fmtBytes(size) + '）'));
      if (sel.ignored) box.appendChild(document.createTextNode('，忽略 ' + sel.ignored + ' 个非工作簿文件'));
      if (sel.ledger) {
        box.appendChild(document.createTextNode('；台账：'));
        box.appendChild(el('strong', null, sel.ledger.name));
        if (sel.autoLedger) {
          box.appendChild(el('span', 'notice', '（文件名含“台账”，已自动作为台账）'));
          var undo = el('button', 'btn small', '改为普通文件');
          undo.type = 'button';
          undo.addEventListener('click', function () {
            sel.files.push({ file: sel.ledger, path: sel.ledger.name });
            sel.ledger = null; sel.autoLedger = false; renderSelection();
          });
          box.appendChild(undo);
        }
      }
      uploadNames(sel.files.map(function (f) { return f.path; })).slice(0, 200)
        .forEach(function (name) { list.appendChild(el('li', null, name)); });
      if (sel.files.length > 200) list.appendChild(el('li', null, '…… 另有 ' + (sel.files.length - 200) + ' 个'));
    }
    $('start').disabled = !sel.files.length || busy;
  }
  function fromInput(input, relative) {
    var out = [];
    Array.prototype.forEach.call(input.files, function (f) { out.push({ file: f, path: relative && f.webkitRelativePath ? f.webkitRelativePath : f.name }); });
    input.value = '';
    addFiles(out);
  }
  function readEntries(reader) {
    return new Promise(function (resolve, reject) {
      var all = [];
      (function next() {
        reader.readEntries(function (batch) {
          if (!batch.length) return resolve(all);
          all = all.concat(Array.prototype.slice.call(batch));
          next();
        }, reject);
      })();
    });
  }
  function walk(entry, out) {
    if (entry.isFile) {
      return new Promise(function (resolve) {
        entry.file(function (f) { out.push({ file: f, path: entry.fullPath }); resolve(); }, function () { resolve(); });
      });
    }
    if (entry.isDirectory) {
      return readEntries(entry.createReader()).then(function (children) {
        return children.reduce(function (p, c) { return p.then(function () { return walk(c, out); }); }, Promise.resolve());
      });
    }
    return Promise.resolve();
  }

  var dz = $('dropzone');
  ['dragenter', 'dragover'].forEach(function (t) {
    dz.addEventListener(t, function (e) { e.preventDefault(); dz.classList.add('over'); });
  });
  ['dragleave', 'dragend'].forEach(function (t) { dz.addEventListener(t, function () { dz.classList.remove('over'); }); });
  dz.addEventListener('drop', function (e) {
    e.preventDefault();
    dz.classList.remove('over');
    var dt = e.dataTransfer;
    if (!dt) return;
    var entries = [];
    var plain = [];
    // Entries must be taken now: the item list is emptied once the event is over.
    Array.prototype.forEach.call(dt.items || [], function (item) {
      if (item.kind !== 'file') return;
      var entry = item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
      if (entry) entries.push(entry);
      else { var f = item.getAsFile(); if (f) plain.push({ file: f, path: f.name }); }
    });
    if (!entries.length && !plain.length && dt.files) Array.prototype.forEach.call(dt.files, function (f) { plain.push({ file: f, path: f.name }); });
    var out = plain;
    entries.reduce(function (p, en) { return p.then(function () { return walk(en, out); }); }, Promise.resolve())
      .then(function () { addFiles(out); });
  });
  document.addEventListener('dragover', function (e) { e.preventDefault(); });
  document.addEventListener('drop', function (e) { e.preventDefault(); });

  $('files-input').addEventListener('change', function () { fromInput(this, false); });
  $('folder-input').addEventListener('change', function () { fromInput(this, true); });
  $('ledger-input').addEventListener('change', function () {
    sel.ledger = this.files && this.files[0] ? this.files[0] : null; sel.autoLedger = false; renderSelection();
  });
  $('rules-input').addEventListener('change', function () { sel.rules = this.files && this.files[0] ? this.files[0] : null; });
  $('clear').addEventListener('click', function () {
    sel = { files: [], ledger: null, rules: null, ignored: 0, autoLedger: false };
    $('ledger-input').value = ''; $('rules-input').value = '';
    showError('');
    renderSelection();
  });

  // A chosen folder that holds department folders is the bureau's folder, as in recon audit FOLDER: its own
  // name is dropped so the folders under it name the departments. One department's folder of plain files keeps
  // its name, which is then the department of last resort for a file with no readable table.
  function uploadNames(paths) {
    var split = paths.map(function (p) { return p.split('/'); });
    var top = split.length ? split[0][0] : '';
    var oneTop = split.every(function (s) { return s.length > 1 && s[0] === top; });
    var deeper = split.some(function (s) { return s.length > 2; });
    return oneTop && deeper ? split.map(function (s) { return s.slice(1).join('/'); }) : paths;
  }

  // ---- upload and progress --------------------------------------------------------------------------------
  function setProgress(frac, text) {
    show('progress-section', true);
    $('progress-bar').style.width = Math.max(0, Math.min(100, frac * 100)).toFixed(1) + '%';
    $('progress-text').textContent = text;
  }
  $('start').addEventListener('click', function () {
    if (!sel.files.length || busy) return;
    showError('');
    closeDetail();
    var fd = new FormData();
    var names = uploadNames(sel.files.map(function (f) { return f.path; }));
    sel.files.forEach(function (f, i) { fd.append('files', f.file, names[i]); });
    if (sel.ledger) fd.append('ledger', sel.ledger, sel.ledger.name);
    if (sel.rules) fd.append('rules', sel.rules, sel.rules.name);
    busy = true;
    $('start').disabled = true;
    setProgress(0, '正在上传……');
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/audits');
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) setProgress(e.loaded / e.total, '正在上传：' + fmtBytes(e.loaded) + ' / ' + fmtBytes(e.total));
    };
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if ((xhr.status === 200 || xhr.status === 202) && body && body.id) {
        // The earlier results stay on screen until the upload is taken; from here they are the new audit's.
        show('results', false);
        setProgress(0, '上传完成，等待审核……');
        watch(body.id);
      } else {
        idle();
        show('progress-section', false);
        showError('上传失败：' + (body && body.error ? body.error : '服务器没有回答（' + xhr.status + '）'));
      }
    };
    xhr.onerror = function () {
      idle();
      show('progress-section', false);
      showError('上传失败：无法连接服务器');
    };
    xhr.send(fd);
  });

  function idle() { busy = false; $('start').disabled = !sel.files.length; }
  function showStatus(s) {
    if (s.status === 'queued') {
      setProgress(0, s.queuePosition ? '排队中：前面还有 ' + s.queuePosition + ' 个审核' : '排队中，即将开始……');
    } else if (s.status === 'running') {
      setProgress(s.total ? s.done / s.total : 0, s.total && s.done >= s.total ? '所有文件已审核，正在生成整改清单和汇总表……' : '正在审核：已完成 ' + s.done + ' / ' + s.total + ' 个文件');
    } else if (s.status === 'done') {
      setProgress(1, '审核完成：共 ' + s.total + ' 个文件');
    } else if (s.status === 'failed') {
      setProgress(0, '审核失败');
    }
  }
  function stopWatching() {
    if (source) { source.close(); source = null; }
    if (pollTimer) { clearTimeout(pollTimer); pollTimer = null; }
  }
  function final(s) {
    stopWatching();
    idle();
    showStatus(s);
    if (s.status === 'failed') { showError(s.error || '审核失败'); return; }
    loadResults(s.id);
  }
  function poll(id) {
    fetch(api(id, '/status')).then(function (r) {
      if (r.status === 404) throw new Error('没有这个审核');
      return r.json();
    }).then(function (s) {
      if (s.status === 'done' || s.status === 'failed') return final(s);
      showStatus(s);
      pollTimer = setTimeout(function () { poll(id); }, 1000);
    }).catch(function (err) {
      idle();
      showError(String(err && err.message || err));
    });
  }
  function watch(id) {
    stopWatching();
    result.id = id;
    if (history.replaceState) history.replaceState(null, '', '#audit=' + id);
    if (!window.EventSource) return poll(id);
    var finished = false;
    source = new EventSource(api(id, '/events'));
    source.addEventListener('progress', function (ev) { showStatus(JSON.parse(ev.data)); });
    source.addEventListener('done', function (ev) { finished = true; final(JSON.parse(ev.data)); });
    source.onerror = function () {
      if (finished) return;
      if (source) { source.close(); source = null; }
      poll(id);
    };
  }

  // ---- results ----------------------------------------------------------------------------------------------
  function getJson(url) {
    return fetch(url).then(function (r) {
      return r.json().then(function (b) {
        if (!r.ok) throw new Error(b && b.error ? b.error : '请求失败（' + r.status + '）');
        return b;
      });
    });
  }
  function loadResults(id) {
    Promise.all([getJson(api(id)), getJson(api(id, '/departments')), getJson(api(id, '/files')), getJson('/api/rules')])
      .then(function (all) {
        if (result.shown !== id) resetFilters();
        result.shown = id;
        result.id = id;
        result.doc = all[0];
        result.departments = all[1];
        result.annotated = {};
        all[2].forEach(function (f) { if (f.annotated) result.annotated[f.file] = f.annotated; });
        result.ruleTitles = {};
        all[3].forEach(function (r) { result.ruleTitles[r.id] = r.title; });
        render();
      })
      .catch(function (err) { showError('读取审核结果失败：' + (err && err.message || err)); });
  }
  // Finance staff read the rule's title; its id (for the rules file) is only a tooltip and a grey note.
  function ruleLabel(rule) {
    var t = Object.prototype.hasOwnProperty.call(result.ruleTitles, rule) ? result.ruleTitles[rule] : null;
    return t || rule;
  }
  function stat(n, label, cls) {
    var d = el('div', 'stat' + (cls ? ' ' + cls : ''));
    d.appendChild(el('div', 'n', n));
    d.appendChild(el('div', 'l', label));
    d.setAttribute('data-testid', 'stat-' + (cls || label));
    return d;
  }
  function render() {
    var s = result.doc.summary;
    var box = $('summary');
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
    $('download-all').href = api(result.id, '/corrections.zip');
    $('download-summary').href = api(result.id, '/summary.xlsx');
    $('download-json').href = api(result.id, '/findings.json');
    renderDepartments();
    renderFilters();
    renderFindings();
    show('results', true);
  }
  function renderDepartments() {
    var tbody = $('departments').tBodies[0];
    tbody.textContent = '';
    var max = result.departments.reduce(function (m, d) { return Math.max(m, d.errors + d.warnings + d.infos); }, 0) || 1;
    result.departments.forEach(function (d, i) {
      var tr = el('tr');
      tr.setAttribute('data-testid', 'dept-row');
      tr.setAttribute('data-department', d.department);
      tr.appendChild(el('td', 'num', i + 1));
      var name = el('td', 'name');
      var a = el('a', null, d.department);
      a.href = '#';
      a.title = '只看该部门的问题';
      a.addEventListener('click', function (e) {
        e.preventDefault();
        $('filter-department').value = d.department;
        renderFindings();
        $('findings').scrollIntoView({ behavior: 'smooth', block: 'start' });
      });
      name.appendChild(a);
      tr.appendChild(name);
      var chart = el('td', 'chart');
      var bar = el('div', 'bar');
      bar.title = '错误 ' + d.errors + '，警告 ' + d.warnings + '，提示 ' + d.infos;
      [['e', d.errors], ['w', d.warnings], ['i', d.infos]].forEach(function (p) {
        if (!p[1]) return;
        var seg = el('span', p[0]);
        seg.style.width = (p[1] / max * 100).toFixed(2) + '%';
        bar.appendChild(seg);
      });
      chart.appendChild(bar);
      tr.appendChild(chart);
      tr.appendChild(el('td', 'num', d.errors));
      tr.appendChild(el('td', 'num', d.warnings));
      tr.appendChild(el('td', 'num infos', d.infos));
      var dl = el('td');
      if (d.file) {
        [['xlsx', 'Excel'], ['csv', 'CSV']].forEach(function (p, k) {
          var link = el('a', 'btn small', p[1]);
          link.href = api(result.id, '/corrections/' + encodeURIComponent(d.file + '.' + p[0]));
          link.setAttribute('download', '');
          link.setAttribute('data-testid', 'download-' + p[0]);
          if (k) dl.appendChild(document.createTextNode(' '));
          dl.appendChild(link);
        });
      }
      tr.appendChild(dl);
      tbody.appendChild(tr);
    });
    show('departments-empty', !result.departments.length);
  }
  function fillSelect(select, options, first) {
    var keep = select.value;
    select.textContent = '';
    select.appendChild(new Option(first, ''));
    options.forEach(function (o) { select.appendChild(new Option(o[1], o[0])); });
    select.value = options.some(function (o) { return o[0] === keep; }) ? keep : '';
  }
  function renderFilters() {
    var f = result.doc.findings;
    fillSelect($('filter-department'), result.departments.map(function (d) {
      return [d.department, d.department + '（' + (d.errors + d.warnings + d.infos) + '）'];
    }), '全部部门');
    var byRule = {};
    f.forEach(function (x) { byRule[x.rule] = (byRule[x.rule] || 0) + 1; });
    var rules = Object.keys(byRule).sort(function (a, b) { return byRule[b] - byRule[a] || (a < b ? -1 : 1); });
    fillSelect($('filter-rule'), rules.map(function (r) { return [r, ruleLabel(r) + '（' + byRule[r] + '）']; }), '全部类型');
  }
  function filtered() {
    var dep = $('filter-department').value;
    var rule = $('filter-rule').value;
    var sev = $('filter-severity').value;
    return result.doc.findings.filter(function (x) {
      return (!dep || (x.department || UNKNOWN) === dep) && (!rule || x.rule === rule) && (!sev || x.severity === sev);
    }).sort(function (a, b) { return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]; });
  }
  function sevBadge(s) { return el('span', 'sev ' + s, SEVERITY[s] || s); }
  function renderFindings() {
    var list = filtered();
    var tbody = $('findings').tBodies[0];
    tbody.textContent = '';
    list.slice(0, MAX_ROWS).forEach(function (x) {
      var tr = el('tr');
      tr.tabIndex = 0;
      tr.setAttribute('data-testid', 'finding-row');
      tr.setAttribute('data-rule', x.rule);
      tr.setAttribute('data-severity', x.severity);
      var cells = [
        ['文件', el('td', null, x.file)],
        ['工作表', el('td', null, x.sheet || '—')],
        ['单元格', el('td', 'cell', x.cell || '—')],
        ['项目', el('td', null, x.project || '—')],
        ['问题类型', el('td', null, ruleLabel(x.rule))],
        ['严重程度', el('td')],
        ['问题说明', el('td', null, x.message)],
      ];
      cells[4][1].title = '规则编号 ' + x.rule;
      cells[5][1].appendChild(sevBadge(x.severity));
      cells.forEach(function (c) { c[1].setAttribute('data-label', c[0]); tr.appendChild(c[1]); });
      var open = function () {
        Array.prototype.forEach.call(tbody.querySelectorAll('tr.selected'), function (r) { r.classList.remove('selected'); });
        tr.classList.add('selected');
        lastRow = tr;
        openDetail(x);
      };
      tr.addEventListener('click', open);
      tr.addEventListener('keydown', function (e) { if (e.key === 'Enter') open(); });
      tbody.appendChild(tr);
    });
    var total = result.doc.findings.length;
    $('filter-count').textContent = '显示 ' + Math.min(list.length, MAX_ROWS) + ' / ' + list.length + ' 条' +
      (list.length !== total ? '（共 ' + total + ' 条）' : '') + (list.length > MAX_ROWS ? '，请用筛选缩小范围' : '');
    show('findings-empty', !list.length);
  }
  ['filter-department', 'filter-rule', 'filter-severity'].forEach(function (id) { $(id).addEventListener('change', renderFindings); });
  function resetFilters() { ['filter-department', 'filter-rule', 'filter-severity'].forEach(function (id) { $(id).value = ''; }); }
  $('filter-reset').addEventListener('click', function () { resetFilters(); renderFindings(); });

  function setText(id, v) { $(id).textContent = v === null || v === undefined || v === '' ? '—' : String(v); }
  function openDetail(x) {
    var sv = $('detail-severity'); sv.textContent = ''; sv.appendChild(sevBadge(x.severity));
    setText('detail-rule', ruleLabel(x.rule));
    $('detail-rule-id').textContent = '规则编号 ' + x.rule;
    setText('detail-message', x.message);
    setText('detail-expected', x.expected);
    setText('detail-actual', x.actual);
    setText('detail-file', x.file);
    setText('detail-sheet', x.sheet);
    setText('detail-cell', x.cell);
    setText('detail-project', x.project);
    setText('detail-department', x.department || UNKNOWN);
    setText('detail-unit', x.unit);
    var ann = result.annotated[x.file];
    var link = $('detail-annotated');
    if (ann) {
      link.href = api(result.id, '/annotated/' + ann.split('/').map(encodeURIComponent).join('/'));
      link.hidden = false;
    } else link.hidden = true;
    show('detail', true);
    // Keyboard users land in the panel (its links next), and go back to their row when it closes.
    $('detail').focus();
  }
  function closeDetail() {
    var wasOpen = !$('detail').hidden;
    show('detail', false);
    if (wasOpen && lastRow && document.body.contains(lastRow)) lastRow.focus();
    Array.prototype.forEach.call(document.querySelectorAll('#findings tr.selected'), function (r) { r.classList.remove('selected'); });
  }
  $('detail-close').addEventListener('click', closeDetail);
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') closeDetail(); });

  renderSelection();
  function fromAddress() {
    var m = /audit=([0-9a-f-]{36})/.exec(location.hash);
    if (m && m[1] !== result.id) { showError(''); show('results', false); closeDetail(); watch(m[1]); }
  }
  // An audit's link pasted into the address bar of an open page: load that audit.
  window.addEventListener('hashchange', fromAddress);
  fromAddress();
})();
