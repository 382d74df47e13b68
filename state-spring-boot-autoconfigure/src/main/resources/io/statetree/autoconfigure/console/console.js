// The StateTree console. Plain JavaScript, no build step, nothing from another host.
// Every text from the server is put into the page with textContent, never as HTML.
(function () {
  'use strict';

  var PAGE = 200;          // child names fetched per page
  var MAX_EVENTS = 500;    // rows kept in the event list (older rows leave the page)
  var RENDER_EVERY = 100;  // ms: events arriving meanwhile are drawn together
  var HISTORY = 50;        // commits listed
  var SVG = 'http://www.w3.org/2000/svg';

  var state = {
    session: null,
    source: null,
    lastEventId: null,
    lastRevision: null,
    paused: false,
    pattern: '/**',
    selected: null,
    historyTimer: null,
    pending: [],           // events received, not drawn yet (at most MAX_EVENTS kept)
    received: 0,           // events received since the list was last cleared
    renderTimer: null
  };

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function show(value) {
    return value === undefined ? '' : JSON.stringify(value);
  }

  function showError(message) {
    var box = $('error');
    if (!message) { box.hidden = true; box.textContent = ''; return; }
    box.textContent = message;
    box.hidden = false;
  }

  function api(method, url, body) {
    var headers = { 'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
    if (method !== 'GET' && state.session && state.session.csrf) {
      headers[state.session.csrf.header] = state.session.csrf.token;
    }
    if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
    return fetch(url, { method: method, headers: headers, body: body, credentials: 'same-origin' })
      .then(function (response) {
        if (response.status === 401) {
          window.location.reload();
          throw new Error('Signed out');
        }
        return response.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = { message: text }; }
          if (!response.ok) {
            var error = new Error((data && data.message) || ('HTTP ' + response.status));
            error.status = response.status;
            throw error;
          }
          return data;
        });
      });
  }

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (key) {
      if (params[key] !== null && params[key] !== undefined) {
        parts.push(encodeURIComponent(key) + '=' + encodeURIComponent(params[key]));
      }
    });
    return parts.length ? '?' + parts.join('&') : '';
  }

  // ---- the tree ----

  function treeNode(name, path, branch) {
    var li = el('li', 'node');
    li.dataset.path = path;
    var twisty = el('span', 'twisty', branch ? '\u25b8' : '\u00b7');
    var label = el('span', 'name', name);
    label.dataset.path = path;
    li.appendChild(twisty);
    li.appendChild(label);
    var open = false;
    var list = null;
    function toggle() {
      if (!branch) { return; }
      if (open) {
        list.hidden = true; open = false; twisty.textContent = '\u25b8';
        return;
      }
      if (!list) {
        list = el('ul');
        li.appendChild(list);
        loadChildren(path, list, 0);
      }
      list.hidden = false; open = true; twisty.textContent = '\u25be';
    }
    twisty.addEventListener('click', toggle);
    label.addEventListener('click', function () {
      select(path, label);
      if (branch && !open) { toggle(); }
    });
    return li;
  }

  function loadChildren(path, list, offset) {
    return api('GET', 'api/children' + query({ path: path, offset: offset, limit: PAGE })).then(function (page) {
      page.children.forEach(function (child) {
        list.appendChild(treeNode(child.name, child.path, child.branch));
      });
      var shown = page.offset + page.children.length;
      if (shown < page.total) {
        var more = el('button', 'more', 'more (' + shown + ' of ' + page.total + ')');
        more.type = 'button';
        more.addEventListener('click', function () {
          list.removeChild(more);
          loadChildren(path, list, shown);
        });
        list.appendChild(more);
      }
    }).catch(function (e) { showError('Children of ' + path + ': ' + e.message); });
  }

  function select(path, label) {
    var previous = document.querySelector('.tree .name.selected');
    if (previous) { previous.classList.remove('selected'); }
    if (label) { label.classList.add('selected'); }
    state.selected = path;
    $('detail-path').textContent = path;
    $('edit-path').value = path;
    $('edit-status').textContent = '';
    return api('GET', 'api/value' + query({ path: path })).then(function (answer) {
      $('value').textContent = JSON.stringify(answer.value, null, 2);
      $('edit-value').value = JSON.stringify(answer.value, null, 2);
    }).catch(function (e) {
      $('value').textContent = e.status === 404 ? '(absent)' : e.message;
      $('edit-value').value = '';
    });
  }

  // ---- editing (write role only; the server checks the role and path rules again) ----

  function setUpEditor() {
    $('editor').hidden = !(state.session && state.session.write);
    var armed = false;
    $('save').addEventListener('click', function () {
      var path = $('edit-path').value.trim();
      var text = $('edit-value').value;
      try { JSON.parse(text); } catch (e) {
        $('edit-status').textContent = 'Not valid JSON: ' + e.message;
        return;
      }
      $('edit-status').textContent = 'saving\u2026';
      api('PUT', 'api/value' + query({ path: path }), text).then(function (answer) {
        var done = (answer.changed ? 'saved' : 'unchanged') + ' at revision ' + answer.revision;
        return select(path).then(function () { $('edit-status').textContent = done; });
      }).catch(function (e) { $('edit-status').textContent = e.message; });
    });
    $('delete').addEventListener('click', function () {
      if (!armed) {
        armed = true;
        $('delete').textContent = 'Confirm delete';
        setTimeout(function () { armed = false; $('delete').textContent = 'Delete path'; }, 4000);
        return;
      }
      armed = false;
      $('delete').textContent = 'Delete path';
      var path = $('edit-path').value.trim();
      api('DELETE', 'api/value' + query({ path: path })).then(function (answer) {
        $('edit-status').textContent = (answer.changed ? 'deleted' : 'nothing to delete') + ' at revision ' + answer.revision;
        $('value').textContent = '(absent)';
      }).catch(function (e) { $('edit-status').textContent = e.message; });
    });
  }

  // ---- the live event stream ----

  function connect(after) {
    if (state.source) { state.source.close(); }
    var source = new EventSource('api/events' + query({ pattern: state.pattern, after: after }));
    state.source = source;
    source.onopen = function () { status('stream: live', 'up'); };
    source.onerror = function () {
      status(source.readyState === EventSource.CLOSED ? 'stream: closed' : 'stream: reconnecting', 'down');
    };
    function handle(kind) {
      return function (message) {
        if (state.source !== source) { return; }
        if (message.lastEventId) { state.lastEventId = message.lastEventId; }
        var data = JSON.parse(message.data);
        state.lastRevision = data.revision;
        $('revision').textContent = data.revision;
        queueEvent(kind, data);
        refreshHistorySoon();
      };
    }
    source.addEventListener('change', handle('change'));
    source.addEventListener('resync', handle('resync'));
    source.addEventListener('reset', handle('reset'));
  }

  function status(text, cls) {
    var badge = $('connection');
    badge.textContent = text;
    badge.className = 'badge ' + (cls || '');
  }

  // A commit of thousands of changes arrives as thousands of events: they are buffered and drawn
  // at most once per RENDER_EVERY ms (and animation frame), only the newest MAX_EVENTS of them.
  function queueEvent(kind, data) {
    state.received++;
    state.pending.push({ kind: kind, data: data });
    if (state.pending.length > 2 * MAX_EVENTS) { state.pending.splice(0, state.pending.length - MAX_EVENTS); }
    if (state.renderTimer) { return; }
    state.renderTimer = setTimeout(function () {
      var frame = window.requestAnimationFrame || function (f) { return setTimeout(f, 0); };
      frame(renderEvents);
    }, RENDER_EVERY);
  }

  function renderEvents() {
    state.renderTimer = null;
    var batch = state.pending.slice(Math.max(0, state.pending.length - MAX_EVENTS));
    state.pending = [];
    var list = $('events');
    var fragment = document.createDocumentFragment();
    for (var i = batch.length - 1; i >= 0; i--) { fragment.appendChild(eventRow(batch[i].kind, batch[i].data)); }
    list.insertBefore(fragment, list.firstChild);
    while (list.childNodes.length > MAX_EVENTS) { list.removeChild(list.lastChild); }
    showCount();
  }

  function showCount() {
    var shown = $('events').childNodes.length;
    $('event-count').textContent = state.received + ' received' +
      (state.received > shown ? ', newest ' + shown + ' shown' : '');
  }

  function clearEvents() {
    state.pending = [];
    state.received = 0;
    $('events').textContent = '';
    showCount();
  }

  function eventRow(kind, data) {
    var li = el('li', kind === 'change' ? 'event' : kind);
    li.dataset.revision = data.revision;
    if (data.path) { li.dataset.path = data.path; }
    li.appendChild(el('span', 'rev', String(data.revision)));
    if (kind === 'reset') {
      li.appendChild(el('span', null, ' the tree is new (restarted); following from here'));
    } else {
      li.appendChild(el('span', null, ' ' + (data.kind !== 'change' ? data.kind + ' ' : '') + data.path + '  '));
      li.appendChild(el('span', 'old', show(data.oldValue)));
      li.appendChild(el('span', null, ' \u2192 '));
      li.appendChild(el('span', 'new', show(data.newValue)));
      if (data.causedBy) { li.appendChild(el('span', 'muted', '  caused by ' + data.causedBy)); }
    }
    return li;
  }

  function setUpEvents(revision) {
    $('pause').addEventListener('click', function () {
      state.paused = !state.paused;
      $('pause').textContent = state.paused ? 'Resume' : 'Pause';
      if (state.paused) {
        if (state.source) { state.source.close(); state.source = null; }
        status('stream: paused');
      } else {
        connect(state.lastEventId || revision);
      }
    });
    $('apply-pattern').addEventListener('click', function () {
      state.pattern = $('pattern').value.trim() || '/**';
      // Another pattern numbers events differently: follow on from the last whole revision.
      var after = state.lastRevision !== null ? String(state.lastRevision) : revision;
      state.lastEventId = null;
      clearEvents();
      if (!state.paused) { connect(after); }
    });
    $('clear-events').addEventListener('click', clearEvents);
    $('refresh-history').addEventListener('click', loadHistory);
    connect(revision);
  }

  // ---- history ----

  function refreshHistorySoon() {
    if (state.historyTimer) { return; }
    state.historyTimer = setTimeout(function () { state.historyTimer = null; loadHistory(); }, 1000);
  }

  function loadHistory() {
    return api('GET', 'api/changes' + query({ limit: HISTORY })).then(function (page) {
      var body = $('history').tBodies[0];
      body.textContent = '';
      page.commits.forEach(function (commit) {
        var tr = el('tr');
        tr.dataset.revision = commit.revision;
        tr.appendChild(el('td', null, String(commit.revision)));
        tr.appendChild(el('td', null, commit.time));
        tr.appendChild(el('td', null, commit.actor || ''));
        tr.appendChild(el('td', null, commit.causedBy ? String(commit.causedBy) : ''));
        var changes = el('td');
        commit.changes.forEach(function (change) {
          changes.appendChild(el('div', null, change.path + ': ' + show(change.oldValue) + ' \u2192 ' + show(change.newValue)));
        });
        tr.appendChild(changes);
        var action = el('td');
        if (state.session && state.session.write) {
          var restore = el('button', 'restore', 'Restore old values');
          restore.type = 'button';
          restore.addEventListener('click', function () {
            api('POST', 'api/restore' + query({ revision: commit.revision })).then(function () {
              loadHistory();
            }).catch(function (e) { showError('Restore of revision ' + commit.revision + ': ' + e.message); });
          });
          action.appendChild(restore);
        }
        tr.appendChild(action);
        body.appendChild(tr);
      });
    }).catch(function (e) { showError('History: ' + e.message); });
  }

  // ---- listeners, derivations, graph, groups, health ----

  function row(table, cells) {
    var tr = el('tr');
    cells.forEach(function (text) { tr.appendChild(el('td', null, text)); });
    table.tBodies[0].appendChild(tr);
    return tr;
  }

  function drawGraph(derivations) {
    var box = $('graph');
    box.textContent = '';
    if (!derivations.length) { box.appendChild(el('p', 'muted', 'No derivations.')); return; }
    var sources = [];
    var destinations = [];
    derivations.forEach(function (d) {
      if (destinations.indexOf(d.destination) < 0) { destinations.push(d.destination); }
      d.sources.forEach(function (s) { if (sources.indexOf(s) < 0) { sources.push(s); } });
    });
    var longest = 8;
    sources.concat(destinations).forEach(function (p) { longest = Math.max(longest, p.length); });
    var width = longest * 7.5 + 16, gap = 120, rowHeight = 30;
    var height = Math.max(sources.length, destinations.length) * rowHeight + 10;
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + (2 * width + gap + 10) + ' ' + height);
    svg.setAttribute('role', 'img');
    var defs = document.createElementNS(SVG, 'defs');
    var marker = document.createElementNS(SVG, 'marker');
    marker.setAttribute('id', 'arrow');
    marker.setAttribute('viewBox', '0 0 10 10');
    marker.setAttribute('refX', '10');
    marker.setAttribute('refY', '5');
    marker.setAttribute('markerWidth', '6');
    marker.setAttribute('markerHeight', '6');
    marker.setAttribute('orient', 'auto');
    var tip = document.createElementNS(SVG, 'path');
    tip.setAttribute('d', 'M0,0 L10,5 L0,10 z');
    marker.appendChild(tip);
    defs.appendChild(marker);
    svg.appendChild(defs);
    function y(index) { return 5 + index * rowHeight + 11; }
    derivations.forEach(function (d) {
      var to = destinations.indexOf(d.destination);
      d.sources.forEach(function (s) {
        var line = document.createElementNS(SVG, 'path');
        var x1 = 5 + width, y1 = y(sources.indexOf(s)), x2 = 5 + width + gap, y2 = y(to);
        line.setAttribute('d', 'M' + x1 + ',' + y1 + ' C' + (x1 + gap / 2) + ',' + y1 + ' ' + (x2 - gap / 2) + ',' + y2 + ' ' + x2 + ',' + y2);
        line.setAttribute('class', 'edge');
        line.setAttribute('marker-end', 'url(#arrow)');
        line.setAttribute('data-from', s);
        line.setAttribute('data-to', d.destination);
        svg.appendChild(line);
      });
    });
    function node(path, x, index, kind) {
      var g = document.createElementNS(SVG, 'g');
      g.setAttribute('class', 'node ' + kind);
      g.setAttribute('data-path', path);
      var rect = document.createElementNS(SVG, 'rect');
      rect.setAttribute('x', x); rect.setAttribute('y', 5 + index * rowHeight);
      rect.setAttribute('width', width); rect.setAttribute('height', 22); rect.setAttribute('rx', 4);
      var text = document.createElementNS(SVG, 'text');
      text.setAttribute('x', x + 8); text.setAttribute('y', 5 + index * rowHeight + 15);
      text.textContent = path;
      g.appendChild(rect); g.appendChild(text);
      svg.appendChild(g);
    }
    sources.forEach(function (p, i) { node(p, 5, i, 'source'); });
    destinations.forEach(function (p, i) { node(p, 5 + width + gap, i, 'destination'); });
    box.appendChild(svg);
  }

  function showOverview(overview) {
    var tree = overview.tree;
    $('instance').textContent = tree.instanceId;
    $('revision').textContent = tree.revision;
    var health = $('health');
    health.textContent = 'health ' + overview.health.status;
    health.className = 'badge ' + (overview.health.status === 'UP' ? 'up' : 'down');
    var backends = $('backends');
    backends.tBodies[0].textContent = '';
    Object.keys(overview.health.backends).forEach(function (mount) {
      row(backends, [mount, overview.health.backends[mount]]);
    });
    $('listeners').tBodies[0].textContent = '';
    tree.listeners.forEach(function (l) { row($('listeners'), [l.pattern, l.id, l.description]); });
    $('derivations').tBodies[0].textContent = '';
    tree.derivations.forEach(function (d) {
      row($('derivations'), [d.destination, d.tracked ? '(tracked) ' + d.sources.join(', ') : d.sources.join(', ')]);
    });
    drawGraph(tree.derivations);
    var groups = $('groups');
    groups.tBodies[0].textContent = '';
    (tree.groups || []).forEach(function (g) {
      var tr = row(groups, [g.group, g.pattern || '', (g.members || []).join(', '), String(g.pending), String(g.deadLetters)]);
      tr.addEventListener('click', function () {
        api('GET', 'api/dead-letters' + query({ group: g.group })).then(function (answer) {
          $('dead-letters').hidden = false;
          $('dead-letters').textContent = JSON.stringify(answer, null, 2);
        }).catch(function (e) { showError('Dead letters of ' + g.group + ': ' + e.message); });
      });
    });
    if (!tree.groups || !tree.groups.length) { row(groups, ['(no group listeners)', '', '', '', '']); }
    var root = $('tree');
    root.textContent = '';
    var top = treeNode('/', '/', true);
    root.appendChild(top);
    top.querySelector('.twisty').click();
    return tree.revision;
  }

  function start() {
    api('GET', 'api/session').then(function (session) {
      state.session = session;
      $('user').textContent = session.user + (session.write ? ' (read, write)' : ' (read only)');
      setUpEditor();
      return api('GET', 'api/overview');
    }).then(function (overview) {
      var revision = showOverview(overview);
      setUpEvents(String(revision));
      loadHistory();
    }).catch(function (e) { showError(e.message); });
  }

  document.addEventListener('DOMContentLoaded', start);
})();
