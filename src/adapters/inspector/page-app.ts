// The inspector page: the live tree, the detail pane, the event log.
// Plain browser JavaScript kept as text: the package serves it itself, so the page needs nothing
// from outside. No template literals inside (this is one).

/** The inspector page: the live tree, the detail pane, the event log. */
export const APP_SCRIPT = String.raw`
/* The inspector page: the worker tree, the selected worker's chart and history, the event log. */
var LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'];
var LIST_LIMIT = 400;
var LOG_LIMIT = 1000;
var $ = function (id) { return document.getElementById(id); };
var token = (document.querySelector('meta[name="uwe-token"]') || {}).content || '';
var q = token ? '?token=' + encodeURIComponent(token) : '';
var machines = null;
var workers = new Map();
var rows = new Map();
var log = [];
var phase = 'idle';
var selected = null;
var offset = 0;
var folded = new Set();
var listDirty = true;
var detailDirty = true;
var logDirty = true;
var skippedLog = 0;

function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function parentOf(name) { var i = name.lastIndexOf('/'); return i < 0 ? '' : name.slice(0, i); }
function isFolded(name) {
  var p = parentOf(name);
  while (p) { if (folded.has(p)) return true; p = parentOf(p); }
  return false;
}
function topKey(w) {
  if (w.state === 'Stopped' && w.detail === 'waiting') return 'Exited';
  return w.state;
}
function now() { return Date.now() + offset; }
function countdown(until) {
  var ms = until - now();
  return ms > 0 ? (ms / 1000).toFixed(1) + ' s' : 'due';
}

function applyUpdate(u) {
  offset = u.now - Date.now();
  if (u.reset) { workers.clear(); log = []; listDirty = true; }
  if (phase !== u.phase) { phase = u.phase; detailDirty = true; }
  u.workers.forEach(function (w) {
    if (!workers.has(w.name)) listDirty = true;
    workers.set(w.name, w);
    var row = rows.get(w.name);
    if (row && !listDirty) fillRow(row, w);
    if (w.name === selected) detailDirty = true;
  });
  u.removed.forEach(function (name) { workers.delete(name); listDirty = true; if (name === selected) detailDirty = true; });
  // A snapshot already holds lines that the next update also carries: each line is kept once, by its number.
  var lastSeq = log.length ? log[log.length - 1].seq : 0;
  var fresh = u.log.filter(function (line) { return line.seq > lastSeq; });
  if (fresh.length) { Array.prototype.push.apply(log, fresh); logDirty = true; }
  if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
  skippedLog += u.skipped || 0;
  schedule();
}

var scheduled = false;
function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(function () { scheduled = false; render(); });
}

function render() {
  renderHeader();
  if (listDirty) renderList();
  if (detailDirty) renderDetail();
  if (logDirty) renderLog();
}

function renderHeader() {
  $('phase').textContent = phase;
  $('phase').className = 'badge ph-' + phase;
  var counts = {};
  workers.forEach(function (w) { counts[w.state] = (counts[w.state] || 0) + 1; });
  var parts = [workers.size + ' workers'];
  ['Run', 'Initialized', 'New', 'Failed', 'Stopped'].forEach(function (s) { if (counts[s]) parts.push(counts[s] + ' ' + s); });
  $('counts').textContent = parts.join(' \u00b7 ');
}

function fillRow(row, w) {
  row.querySelector('.badge').textContent = w.state;
  row.querySelector('.badge').className = 'badge st-' + w.state;
  var meta = [];
  if (w.restarts) meta.push('\u21bb' + w.restarts);
  if (w.failures) meta.push('\u2717' + w.failures);
  if (w.mailbox && w.mailbox.depth) meta.push('\u2709' + w.mailbox.depth);
  row.querySelector('.meta').textContent = meta.join(' ');
  var cd = row.querySelector('.cd');
  if (w.backoffUntil) { cd.dataset.until = String(w.backoffUntil); cd.textContent = countdown(w.backoffUntil); }
  else { delete cd.dataset.until; cd.textContent = ''; }
  row.classList.toggle('selected', w.name === selected);
}

function renderList() {
  listDirty = false;
  var list = $('list');
  var search = $('search').value.trim().toLowerCase();
  var names = Array.from(workers.keys());
  var shown = 0, hidden = 0;
  var frag = document.createDocumentFragment();
  var parents = new Set(names.map(parentOf));
  rows.clear();
  names.forEach(function (name) {
    if (search ? name.toLowerCase().indexOf(search) < 0 : isFolded(name)) return;
    if (shown >= LIST_LIMIT) { hidden++; return; }
    shown++;
    var w = workers.get(name);
    var li = el('li', 'row');
    li.dataset.name = name;
    li.style.paddingLeft = (6 + (name.split('/').length - 1) * 16) + 'px';
    var fold = el('span', 'fold', parents.has(name) ? (folded.has(name) ? '\u25b8' : '\u25be') : '');
    fold.dataset.fold = name;
    li.appendChild(fold);
    li.appendChild(el('span', 'badge'));
    li.appendChild(el('span', 'name', search ? name : name.slice(name.lastIndexOf('/') + 1)));
    li.appendChild(el('span', 'cd'));
    li.appendChild(el('span', 'meta'));
    fillRow(li, w);
    rows.set(name, li);
    frag.appendChild(li);
  });
  if (hidden) frag.appendChild(el('li', 'more', hidden + ' more \u2014 search by name to narrow'));
  list.replaceChildren(frag);
}

function infoLine(dl, label, value, cls) {
  dl.appendChild(el('dt', '', label));
  var dd = el('dd', cls || '', value);
  dl.appendChild(dd);
  return dd;
}

function renderDetail() {
  detailDirty = false;
  var pane = $('detail');
  var frag = document.createDocumentFragment();
  var w = selected ? workers.get(selected) : undefined;
  if (!w) {
    frag.appendChild(el('h2', '', 'Chief'));
    frag.appendChild(el('p', 'hint', 'Phase ' + phase + '. Click a worker to see its statechart and history.'));
    if (machines) frag.appendChild(chartBox('chart-chief', machines.chief, phase, undefined));
    pane.replaceChildren(frag);
    return;
  }
  frag.appendChild(el('h2', '', w.name));
  var dl = el('dl', 'info');
  infoLine(dl, 'state', w.state + (w.detail ? ' (' + w.detail + ')' : ''), 'st-text st-' + w.state).id = 'detail-state';
  infoLine(dl, 'restarts', String(w.restarts));
  infoLine(dl, 'failures', String(w.failures));
  if (w.backoffUntil) {
    var cd = infoLine(dl, 'restart in', countdown(w.backoffUntil) + ' (attempt ' + w.attempt + ')', 'cd');
    cd.dataset.until = String(w.backoffUntil);
    cd.dataset.suffix = ' (attempt ' + w.attempt + ')';
  }
  if (w.lastFailure) infoLine(dl, 'last failure', w.lastFailure.type + ': ' + w.lastFailure.reason + ' (' + new Date(w.lastFailure.time).toLocaleTimeString() + ')', 'reason').id = 'detail-reason';
  if (w.phase) infoLine(dl, 'chief phase', w.phase);
  if (w.mailbox) {
    var box = w.mailbox;
    infoLine(dl, 'mailbox', box.depth + ' waiting \u00b7 ' + box.delivered + ' delivered \u00b7 ' + box.dropped + ' dropped \u00b7 ' + box.rejected + ' refused', box.dropped ? 'reason' : '').id = 'detail-mailbox';
  }
  frag.appendChild(dl);
  if (machines) frag.appendChild(chartBox('chart-worker', machines.worker, topKey(w), w.detail));
  if (machines && w.phase) frag.appendChild(chartBox('chart-nested', machines.chief, w.phase, undefined));
  frag.appendChild(el('h3', '', 'History'));
  var hist = el('ol', 'history');
  hist.id = 'history';
  w.history.slice().reverse().forEach(function (h) {
    hist.appendChild(el('li', 'st-' + h.state, new Date(h.time).toLocaleTimeString() + '  ' + h.state + (h.reason ? ' (' + h.reason + ')' : '')));
  });
  frag.appendChild(hist);
  pane.replaceChildren(frag);
}

function chartBox(id, graph, activeTop, activeDetail) {
  var box = el('div', 'chartbox');
  box.id = id;
  box.appendChild(drawChart(graph, activeTop, activeDetail));
  return box;
}

function logMatches(line) {
  var who = $('log-worker').value.trim();
  var min = LEVELS.indexOf($('log-level').value);
  if (LEVELS.indexOf(line.level) < min) return false;
  if (!who) return true;
  return line.worker !== undefined && (line.worker === who || line.worker.startsWith(who + '/'));
}

var logShown = 0;
function renderLog() {
  logDirty = false;
  var box = $('log');
  var stick = box.scrollTop + box.clientHeight >= box.scrollHeight - 20;
  var frag = document.createDocumentFragment();
  if (skippedLog) frag.appendChild(el('li', 'skipped', skippedLog + ' log lines not shown (a storm): see the process log'));
  log.forEach(function (line) {
    if (!logMatches(line)) return;
    var li = el('li', 'lv-' + line.level);
    li.dataset.type = line.type;
    li.dataset.seq = String(line.seq);
    li.appendChild(el('span', 'time', new Date(line.time).toLocaleTimeString()));
    li.appendChild(el('span', 'lvl', line.level));
    if (line.worker) {
      var who = el('span', 'who', line.worker);
      who.dataset.select = line.worker;
      li.appendChild(who);
    }
    li.appendChild(el('span', 'msg', line.message + (line.detail && line.type !== 'worker.state' ? ': ' + line.detail : '')));
    frag.appendChild(li);
  });
  box.replaceChildren(frag);
  if (stick) box.scrollTop = box.scrollHeight;
}

function select(name) {
  selected = name;
  rows.forEach(function (row, n) { row.classList.toggle('selected', n === selected); });
  detailDirty = true;
  schedule();
}

$('list').addEventListener('click', function (e) {
  var t = e.target;
  if (t.dataset && t.dataset.fold) {
    if (folded.has(t.dataset.fold)) folded.delete(t.dataset.fold); else folded.add(t.dataset.fold);
    listDirty = true;
    schedule();
    return;
  }
  var row = t.closest('.row');
  if (row) select(row.dataset.name);
});
$('log').addEventListener('click', function (e) {
  var name = e.target.dataset && e.target.dataset.select;
  if (name) select(name);
});
$('chief-link').addEventListener('click', function () { select(null); });
$('search').addEventListener('input', function () { listDirty = true; schedule(); });
$('log-worker').addEventListener('input', function () { logDirty = true; schedule(); });
$('log-level').addEventListener('change', function () { logDirty = true; schedule(); });

setInterval(function () {
  document.querySelectorAll('[data-until]').forEach(function (e) {
    e.textContent = countdown(Number(e.dataset.until)) + (e.dataset.suffix || '');
  });
}, 200);

fetch('/api/machines' + q).then(function (r) { return r.json(); }).then(function (m) {
  machines = m;
  detailDirty = true;
  schedule();
});

var source = new EventSource('/events' + q);
source.onopen = function () { $('conn').textContent = 'live'; $('conn').className = 'conn live'; };
source.onerror = function () { $('conn').textContent = 'disconnected'; $('conn').className = 'conn down'; };
source.onmessage = function (e) { applyUpdate(JSON.parse(e.data)); };
`;
