// The redmutex dashboard page: polls the snapshot and draws it. Every name, holder and message
// from Redis reaches the page through textContent or an attribute value, never as markup.
(function () {
  'use strict';

  var base = location.pathname.replace(/\/+$/, '');
  var token = new URLSearchParams(location.search).get('token');
  var auth = token ? { Authorization: 'Bearer ' + token } : {};
  var TIMELINE_SPAN = 5 * 60 * 1000;
  var HOLDS_SHOWN = 12;

  var state = {
    snap: null,
    receivedAt: 0,
    sort: { key: 'name', dir: 1 },
    selected: null,
    ttlFull: {}, // row id + token -> the largest time to live seen: the bar's 100%
    failures: 0
  };

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function duration(ms) {
    if (ms === null || ms === undefined) { return '-'; }
    if (ms < 0) { ms = 0; }
    if (ms < 1000) { return ms + ' ms'; }
    var s = Math.floor(ms / 1000);
    if (s < 60) { return (ms / 1000).toFixed(1) + ' s'; }
    var m = Math.floor(s / 60);
    if (m < 60) { return m + ' min ' + (s % 60) + ' s'; }
    var h = Math.floor(m / 60);
    if (h < 48) { return h + ' h ' + (m % 60) + ' min'; }
    return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
  }

  function clock(ms) {
    return ms ? new Date(ms).toLocaleTimeString() : '-';
  }

  function hue(text) {
    var h = 0;
    for (var i = 0; i < text.length; i++) { h = (h * 31 + text.charCodeAt(i)) % 360; }
    return 'hsl(' + h + ', 55%, 55%)';
  }

  // ---- polling ----

  function poll() {
    fetch(base + '/snapshot', { headers: auth, cache: 'no-store' })
      .then(function (res) {
        if (!res.ok) { throw new Error('HTTP ' + res.status); }
        return res.json();
      })
      .then(function (snap) {
        if (snap.loading) { throw new Error('no snapshot yet'); }
        state.snap = snap;
        state.receivedAt = Date.now();
        state.failures = 0;
        render();
      })
      .catch(function (e) {
        state.failures++;
        showBanner('The dashboard server does not answer (' + e.message + '); retrying.');
      })
      .then(function () {
        setTimeout(poll, state.snap ? state.snap.pollMillis : 1000);
      });
  }

  function showBanner(text) {
    var banner = $('banner');
    if (text) {
      banner.textContent = text;
      banner.hidden = false;
    } else {
      banner.hidden = true;
      banner.textContent = '';
    }
  }

  // ---- rendering ----

  // How long drawing took, for measurements (README's 100,000-lock figures); read-only data.
  var timing = { firstRenderAt: null, lastRenderMillis: null, renders: 0 };
  window.redmutexDashboard = timing;

  function render() {
    var started = performance.now();
    renderAll();
    timing.lastRenderMillis = performance.now() - started;
    timing.renders++;
    if (timing.firstRenderAt === null) { timing.firstRenderAt = performance.now(); }
  }

  function renderAll() {
    var snap = state.snap;
    $('target').textContent = snap.target + (snap.pattern !== '*' ? '  pattern ' + snap.pattern : '');
    $('status').textContent = 'updated ' + clock(snap.takenAt) + ' \u00b7 read in ' + snap.scanMillis + ' ms';
    if (snap.error) {
      showBanner('Redis unavailable since ' + clock(snap.errorSince) + ': ' + snap.error +
        (snap.lastSuccess ? ' \u2014 showing what was read at ' + clock(snap.lastSuccess) : '') +
        '; retrying every ' + duration(snap.pollMillis) + '.');
    } else {
      showBanner(null);
    }
    var notes = $('notes');
    var texts = (snap.notes || []).slice();
    if (snap.truncated) {
      texts.unshift('More names match than the limit of ' + snap.limit +
        ': showing the first by name. Narrow the pattern (or raise the limit).');
    }
    notes.textContent = texts.join(' ');
    notes.hidden = texts.length === 0;
    renderRows();
    renderTimeline();
    renderChart();
  }

  function rowsShown() {
    var filter = $('filter').value.toLowerCase();
    var kind = $('kind').value;
    var heldOnly = $('heldOnly').checked;
    var rows = state.snap.rows.filter(function (r) {
      if (kind && r.kind !== kind) { return false; }
      if (heldOnly && !r.held) { return false; }
      if (!filter) { return true; }
      var holder = r.holder ? r.holder.label : '';
      return r.name.toLowerCase().indexOf(filter) >= 0 || holder.toLowerCase().indexOf(filter) >= 0;
    });
    var key = state.sort.key;
    var dir = state.sort.dir;
    rows.sort(function (a, b) {
      var x = sortValue(a, key);
      var y = sortValue(b, key);
      if (x < y) { return -dir; }
      if (x > y) { return dir; }
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
    return rows;
  }

  function sortValue(r, key) {
    switch (key) {
      case 'holder': return r.holder ? r.holder.label : '';
      case 'heldFor': return r.sinceMillis ? -r.sinceMillis : -Infinity;
      case 'ttl': return r.ttlMillis === null ? Infinity : r.ttlMillis;
      case 'fencingToken': return r.fencingToken;
      case 'waiting': return r.waiting;
      default: return String(r[key]);
    }
  }

  function renderRows() {
    var rows = rowsShown();
    var tbody = $('rows');
    var body = document.createDocumentFragment();
    rows.forEach(function (r) { body.appendChild(rowElement(r)); });
    tbody.replaceChildren(body);
    $('empty').hidden = rows.length > 0;
    $('count').textContent = rows.length + ' of ' + state.snap.rows.length + ' shown';
    document.querySelectorAll('#locks th[data-key]').forEach(function (th) {
      th.classList.toggle('sorted', th.dataset.key === state.sort.key);
      th.classList.toggle('desc', th.dataset.key === state.sort.key && state.sort.dir < 0);
    });
    tickBars();
  }

  function rowElement(r) {
    var tr = el('tr', r.held ? 'held' : 'free');
    tr.dataset.id = r.id;
    tr.dataset.name = r.name;
    if (state.selected === r.name) { tr.classList.add('selected'); }
    tr.appendChild(el('td', 'name', r.name));
    tr.appendChild(el('td', 'kind', r.kind));
    tr.appendChild(el('td', 'state' + (r.held ? ' state-held' : ''), r.state));
    var holder = el('td', 'holder');
    if (r.holder) {
      holder.appendChild(el('span', 'holder-label', r.holder.label));
      var detail = [];
      if (r.holder.host) { detail.push('host ' + r.holder.host); }
      if (r.holder.pid) { detail.push('pid ' + r.holder.pid); }
      detail.push(r.holder.library);
      holder.appendChild(el('small', null, detail.join(' \u00b7 ')));
      holder.title = r.holder.library === 'redmutex'
        ? 'The holding thread is not recorded in Redis (wire protocol v2).'
        : 'Written by another library or language: Redis tells only that the key exists, and its TTL.';
      if (r.holders && r.holders.length > 1) {
        holder.title = r.holders.map(function (h) { return (h.writer ? 'writer: ' : '') + h.label; }).join('\n');
      }
    } else {
      holder.textContent = '-';
    }
    tr.appendChild(holder);
    var heldFor = el('td', 'num held-for');
    heldFor.dataset.since = r.sinceMillis || '';
    tr.appendChild(heldFor);
    var ttl = el('td', 'ttl');
    if (r.ttlMillis !== null) {
      var key = r.id + '@' + r.fencingToken;
      state.ttlFull[key] = Math.max(state.ttlFull[key] || 0, r.ttlMillis);
      var bar = el('div', 'bar');
      var fill = el('div', 'fill');
      bar.appendChild(fill);
      bar.appendChild(el('span'));
      bar.dataset.ttl = r.ttlMillis;
      bar.dataset.full = state.ttlFull[key];
      ttl.appendChild(bar);
    } else {
      ttl.textContent = r.held ? 'no TTL' : '-';
    }
    tr.appendChild(ttl);
    tr.appendChild(el('td', 'num fencing', r.fencingToken > 0 ? r.fencingToken : '-'));
    tr.appendChild(el('td', 'num waiting', r.waiting));
    var actions = el('td', 'actions');
    if (state.snap.allowBreak && r.kind === 'lock' && r.held) {
      var button = el('button', 'break', 'Break');
      button.type = 'button';
      button.addEventListener('click', function (event) {
        event.stopPropagation();
        breakLock(r);
      });
      actions.appendChild(button);
    }
    tr.appendChild(actions);
    tr.addEventListener('click', function () {
      state.selected = state.selected === r.name ? null : r.name;
      render();
    });
    return tr;
  }

  // The bars and held-for times move between polls, by this browser's clock.
  function tickBars() {
    if (!state.snap) { return; }
    var elapsed = Date.now() - state.receivedAt;
    document.querySelectorAll('#rows .bar').forEach(function (bar) {
      var left = Math.max(0, Number(bar.dataset.ttl) - elapsed);
      var full = Math.max(1, Number(bar.dataset.full));
      var fill = bar.firstChild;
      fill.style.width = Math.min(100, 100 * left / full) + '%';
      fill.classList.toggle('low', left < full / 3);
      bar.lastChild.textContent = duration(left);
    });
    var now = state.snap.takenAt + elapsed;
    document.querySelectorAll('#rows .held-for').forEach(function (td) {
      td.textContent = td.dataset.since ? duration(now - Number(td.dataset.since)) : '-';
    });
  }

  function renderTimeline() {
    var snap = state.snap;
    var now = snap.takenAt;
    var names = Object.keys(snap.timeline).sort();
    // The span: since the first hold seen (at least a minute), at most five minutes.
    var earliest = now;
    names.forEach(function (n) { if (snap.timeline[n].length) { earliest = Math.min(earliest, snap.timeline[n][0].start); } });
    var span = Math.max(60 * 1000, Math.min(TIMELINE_SPAN, snap.historyMillis, now - earliest));
    $('timelineWindow').textContent = 'last ' + duration(span);
    var from = now - span;
    var filter = $('filter').value.toLowerCase();
    if (filter) { names = names.filter(function (n) { return n.toLowerCase().indexOf(filter) >= 0; }); }
    if (state.selected) { names = names.filter(function (n) { return n === state.selected; }); }
    var box = document.createDocumentFragment();
    names.slice(0, 25).forEach(function (name) {
      var line = el('div', 'track-row');
      line.dataset.name = name;
      var label = el('div', 'track-name', name);
      label.title = name;
      label.addEventListener('click', function () {
        state.selected = state.selected === name ? null : name;
        render();
      });
      line.appendChild(label);
      var track = el('div', 'track');
      snap.timeline[name].forEach(function (hold) {
        var end = hold.end || now;
        if (end < from) { return; }
        var start = Math.max(hold.start, from);
        var seg = el('div', 'seg' + (hold.end ? (hold.ended === 'handed off' ? ' handoff' : '') : ' open'));
        seg.style.left = (100 * (start - from) / span) + '%';
        seg.style.width = Math.max(0.3, 100 * (end - start) / span) + '%';
        seg.style.background = hue(hold.holder);
        seg.title = hold.holder + '\nfencing token ' + hold.fencingToken + '\nfrom ' + clock(hold.start) +
          ' for ' + duration(end - hold.start) + (hold.end ? ', ' + hold.ended : ', still held');
        track.appendChild(seg);
      });
      line.appendChild(track);
      box.appendChild(line);
    });
    if (names.length === 0) { box.appendChild(el('p', 'empty', 'No holds seen yet.')); }
    $('timeline').replaceChildren(box);

    var holds = $('holds');
    var list = state.selected && snap.timeline[state.selected];
    holds.hidden = !list;
    var tbody = holds.tBodies[0];
    var rows = document.createDocumentFragment();
    var latest = (list || []).slice().reverse();
    var earlier = latest.length - HOLDS_SHOWN;
    latest.slice(0, HOLDS_SHOWN).forEach(function (hold) {
      var tr = el('tr');
      tr.appendChild(el('td', null, hold.holder));
      tr.appendChild(el('td', 'num', hold.fencingToken || '-'));
      tr.appendChild(el('td', null, clock(hold.start)));
      tr.appendChild(el('td', 'num', duration((hold.end || now) - hold.start)));
      tr.appendChild(el('td', 'ended', hold.end ? hold.ended : 'still held'));
      rows.appendChild(tr);
    });
    if (earlier > 0) {
      var more = el('tr', 'earlier');
      var cell = el('td', null, '\u2026 and ' + earlier + ' earlier');
      cell.colSpan = 5;
      more.appendChild(cell);
      rows.appendChild(more);
    }
    tbody.replaceChildren(rows);
  }

  function renderChart() {
    var chart = state.snap.chart;
    var points = chart.points;
    $('chartSource').textContent = chart.clientData
      ? 'this application\u2019s own acquisitions (its listener)'
      : 'what Redis can tell, seen between polls';
    var rateKey = chart.clientData ? 'acquiredPerSecond' : 'begunPerSecond';
    var rateName = chart.clientData ? 'acquisitions/s' : 'holds begun/s';
    draw($('rate'), points, [
      { key: rateKey, color: '#3b7dd8', name: rateName },
      { key: 'waiting', color: '#b3261e', name: 'waiting clients' }
    ], $('rateLegend'));
    $('waits').hidden = !chart.clientData;
    $('waitLegend').hidden = !chart.clientData;
    if (chart.clientData) {
      draw($('waits'), points, [
        { key: 'waitP50Millis', color: '#2e7d32', name: 'wait p50 ms' },
        { key: 'waitP95Millis', color: '#e0a800', name: 'p95' },
        { key: 'waitP99Millis', color: '#b3261e', name: 'p99' }
      ], $('waitLegend'));
    }
  }

  function draw(canvas, points, series, legend) {
    var ctx = canvas.getContext('2d');
    var w = canvas.width;
    var h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    var max = 0;
    points.forEach(function (p) {
      series.forEach(function (s) { if (p[s.key] > max) { max = p[s.key]; } });
    });
    max = max > 0 ? max * 1.15 : 1;
    ctx.strokeStyle = '#dcdcd8';
    ctx.beginPath();
    ctx.moveTo(0, h - 0.5);
    ctx.lineTo(w, h - 0.5);
    ctx.stroke();
    var n = points.length;
    series.forEach(function (s) {
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      var started = false;
      points.forEach(function (p, i) {
        var v = p[s.key];
        if (v === null || v === undefined) { started = false; return; }
        var x = n > 1 ? (w - 1) * i / (n - 1) : w - 1;
        var y = h - 2 - (h - 6) * v / max;
        if (started) { ctx.lineTo(x, y); } else { ctx.moveTo(x, y); started = true; }
      });
      ctx.stroke();
    });
    ctx.fillStyle = '#6b6f76';
    ctx.font = '10px sans-serif';
    ctx.fillText('max ' + (Math.round(max / 1.15 * 100) / 100), 4, 11);
    var box = document.createDocumentFragment();
    series.forEach(function (s) {
      var swatch = el('b');
      swatch.style.background = s.color;
      box.appendChild(swatch);
      var last = points.length ? points[points.length - 1][s.key] : null;
      box.appendChild(document.createTextNode(s.name + ' ' + (last === null || last === undefined ? '-' : last)));
    });
    legend.replaceChildren(box);
  }

  // ---- breaking ----

  function breakLock(r) {
    var holder = r.holder ? r.holder.label : 'a client of another library';
    var question = 'Break lock "' + r.name + '"?\n\nHeld by ' + holder + ', fencing token ' +
      r.fencingToken + '. Only this holder is broken (compare-and-delete on its token); it is not ' +
      'stopped and may still write until its next renewal. Safe for the protected resource only ' +
      'if it checks fencing tokens.';
    if (!window.confirm(question)) { return; }
    var headers = { 'Content-Type': 'application/json', 'X-Redmutex-Dashboard': 'break' };
    Object.keys(auth).forEach(function (k) { headers[k] = auth[k]; });
    fetch(base + '/break', {
      method: 'POST',
      headers: headers,
      body: JSON.stringify({ name: r.name, fencingToken: r.fencingToken })
    })
      .then(function (res) { return res.json().then(function (body) { return { ok: res.ok, body: body }; }); })
      .then(function (answer) {
        message(answer.ok
          ? 'Broke lock "' + r.name + '" (fencing token ' + answer.body.fencingToken + ').'
          : 'Not broken: ' + answer.body.error, !answer.ok);
      })
      .catch(function (e) { message('Not broken: ' + e.message, true); });
  }

  function message(text, error) {
    var box = $('message');
    box.textContent = text;
    box.className = 'message' + (error ? ' error' : '');
    box.hidden = false;
  }

  // ---- controls ----

  document.querySelectorAll('#locks th[data-key]').forEach(function (th) {
    th.addEventListener('click', function () {
      var key = th.dataset.key;
      state.sort = { key: key, dir: state.sort.key === key ? -state.sort.dir : 1 };
      if (state.snap) { renderRows(); }
    });
  });
  ['filter', 'kind', 'heldOnly'].forEach(function (id) {
    $(id).addEventListener('input', function () { if (state.snap) { render(); } });
  });
  setInterval(tickBars, 250);
  poll();
})();
