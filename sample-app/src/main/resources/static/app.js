// The sample's page: the live notification feed (EventSource), the receive() panel (a second
// EventSource), the library's state (/api/status), the "try it" panel and the catalogue read
// through the cache.
'use strict';

const FEED_LIMIT = 60;
const STATUS_INTERVAL_MS = 2000;
const $ = (id) => document.getElementById(id);

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function time(instant) {
  return new Date(instant).toLocaleTimeString();
}

// --- feed state: "live" only while the stream is open and notifications do arrive -------------

let streamOpen = false;
let problems = [];

function renderFeedState() {
  const state = $('feed-state');
  if (!streamOpen) {
    state.textContent = 'reconnecting…';
    state.className = 'warn';
  } else if (problems.length > 0) {
    state.textContent = 'connected, but no notifications arrive';
    state.className = 'warn';
  } else {
    state.textContent = 'live';
    state.className = 'ok';
  }
}

function showBanner(lines) {
  const banner = $('banner');
  banner.replaceChildren(...lines.map((line) => el('p', line)));
  banner.hidden = lines.length === 0;
}

// --- live feed ---------------------------------------------------------------------------------

const feed = $('feed');
let feedEpoch = null; // the application process the last event came from: "<epoch>-<seq>" ids

const stream = new EventSource('api/notifications/stream');
stream.onopen = () => { streamOpen = true; renderFeedState(); };
stream.onerror = () => { streamOpen = false; renderFeedState(); };
stream.addEventListener('notification', (message) => {
  const epoch = message.lastEventId.slice(0, message.lastEventId.lastIndexOf('-'));
  if (feedEpoch !== null && epoch !== feedEpoch) {
    feed.prepend(el('li', 'application restarted', 'restart'));
  }
  feedEpoch = epoch;
  const entry = JSON.parse(message.data);
  const item = el('li');
  item.dataset.key = entry.key;
  item.dataset.event = entry.event;
  item.append(el('time', time(entry.at)), ' ',
      el('span', entry.event, 'event event-' + entry.event), ' ', el('code', entry.key));
  item.title = entry.channel + ' from ' + entry.node;
  feed.prepend(item);
  while (feed.children.length > FEED_LIMIT) feed.lastChild.remove();
  if (entry.key.startsWith('product:')) scheduleRefresh();
});

// --- receive(): a Flux of the product keys' notifications, from the moment it subscribed ----------

const LIVE_LIMIT = 5;
const live = $('live');
let liveCount = 0;

const liveStream = new EventSource('api/notifications/live');
liveStream.onopen = () => { $('live-state').textContent = 'subscribed'; $('live-state').className = 'ok'; };
liveStream.onerror = () => {
  // An EventSource gives up on an answer other than 200, e.g. 503 when the library is off.
  $('live-state').textContent = liveStream.readyState === EventSource.CLOSED ? 'unavailable' : 'reconnecting…';
  $('live-state').className = 'warn';
};
liveStream.addEventListener('notification', (message) => {
  const entry = JSON.parse(message.data);
  const count = $('live-count');
  count.textContent = String(++liveCount);
  count.dataset.count = String(liveCount);
  const item = el('li');
  item.dataset.key = entry.key;
  item.dataset.event = entry.event;
  item.append(el('span', entry.event, 'event event-' + entry.event), ' ', el('code', entry.key));
  item.title = entry.channel + ', event ' + message.lastEventId + ' of this stream';
  live.prepend(item);
  while (live.children.length > LIVE_LIMIT) live.lastChild.remove();
});

// --- the library's state -----------------------------------------------------------------------

async function refreshStatus() {
  let status;
  try {
    const response = await fetch('api/status');
    status = await response.json();
    if (!response.ok) throw new Error(status.detail || `GET /api/status answered ${response.status}`);
  } catch (e) {
    problems = [e instanceof TypeError ? 'Cannot reach the application: ' + e.message : e.message];
    showBanner(problems);
    renderFeedState();
    return;
  }
  problems = status.problems;
  showBanner(status.subscribed ? problems
      : ['Not subscribed: the library is connecting to Redis at ' + status.redis.address + '.', ...problems]);
  renderFeedState();
  renderLibrary(status);
  renderResync(status.resync);
  renderTryIt(status.redis);
}

function renderLibrary(status) {
  const subscribed = $('subscribed');
  subscribed.textContent = status.subscribed ? 'subscribed' : 'not subscribed';
  subscribed.className = status.subscribed ? 'ok' : 'warn';

  $('nodes').tBodies[0].replaceChildren(...status.nodes.map((node) => {
    const row = el('tr');
    row.append(el('td', node.address),
        el('td', node.subscribed ? 'confirmed' : 'not confirmed', node.subscribed ? 'ok' : 'warn'),
        el('td', String(node.channels), 'num'));
    return row;
  }));

  const c = status.counts;
  const dropped = Object.values(c.dropped).reduce((a, b) => a + b, 0);
  const byReason = Object.entries(c.dropped).map(([reason, n]) => reason + ' ' + n).join(', ');
  const counts = [['received', c.received], ['delivered', c.delivered], ['filtered', c.filtered],
    ['dropped', dropped, byReason], ['in flight', c.inFlight], ['handler errors', c.handlerErrors],
    ['disconnects', c.disconnects]];
  $('counts').replaceChildren(...counts.flatMap(([name, value, title]) => {
    const dd = el('dd', String(value), name === 'dropped' && value > 0 ? 'warn' : undefined);
    dd.id = 'count-' + name.replace(' ', '-');
    if (title) dd.title = title;
    return [el('dt', name), dd];
  }));

  const gaps = $('gaps');
  if (status.gaps.length === 0) {
    gaps.replaceChildren(el('li', 'None since startup.', 'muted'));
    return;
  }
  gaps.replaceChildren(...status.gaps.map((gap) => {
    const seconds = ((Date.parse(gap.end) - Date.parse(gap.start)) / 1000).toFixed(1);
    return el('li', `${time(gap.end)} ${gap.cause} on ${gap.node}: ${seconds} s, ${gap.channels} channel(s), `
        + (gap.dropped > 0 ? `${gap.dropped} dropped` : 'losses unknown'));
  }));
}

// The resync passes: the library's ResyncMetrics and the last KeyspaceResyncEvent.
function renderResync(resync) {
  const counts = [['completed', resync.completed], ['restarted', resync.restarted], ['failed', resync.failed],
    ['keys resynced', resync.keys]];
  $('resync').replaceChildren(...counts.flatMap(([name, value]) => {
    const dd = el('dd', String(value), name === 'failed' && value > 0 ? 'warn' : undefined);
    dd.id = 'resync-' + name.replace(' ', '-');
    return [el('dt', name), dd];
  }));
  const last = resync.last;
  const running = resync.running > 0 ? ` · ${resync.running} pass(es) running` : '';
  $('resync-last').textContent = !last ? 'No pass yet.' + running
    : `Last pass: ${last.phase.toLowerCase()} ${time(last.at)} on ${last.node}, ${last.keys} key(s), `
      + (last.cause ? `after a ${last.cause} gap` : 'at startup') + ` (${last.handler})` + running;
}

// --- handlers, from the library's Actuator endpoint ------------------------------------------------

async function refreshHandlers() {
  const response = await fetch('actuator/keyspacenotifications');
  if (!response.ok) return;
  renderHandlers((await response.json()).handlers);
}

function renderHandlers(handlers) {
  $('handlers').tBodies[0].replaceChildren(...handlers.map((handler) => {
    const row = el('tr');
    row.dataset.handlerId = handler.id;
    row.dataset.running = String(handler.running);
    const toggle = el('button', handler.running ? 'Stop' : 'Start', 'toggle');
    toggle.type = 'button';
    toggle.onclick = () => setRunning(handler.id, !handler.running);
    row.append(el('td', handler.id + (handler.running ? '' : ' (stopped)'), handler.running ? undefined : 'warn'),
        el('td', handler.group || '—'), el('td', String(handler.delivered), 'num'),
        el('td', String(handler.failed), handler.failed > 0 ? 'num warn' : 'num'), el('td', undefined));
    row.lastChild.append(toggle);
    return row;
  }));
}

// POST /actuator/keyspacenotifications/{id} {"running": …}: what an operator would send with curl.
async function setRunning(id, running) {
  await fetch('actuator/keyspacenotifications/' + encodeURIComponent(id), {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ running }),
  });
  await refreshHandlers();
}

// --- try it ------------------------------------------------------------------------------------

function renderTryIt(redis) {
  $('redis-address').textContent = redis.address;
  // No command while the sentinels have not named the master yet (the library asks them when it subscribes).
  $('cli-command').textContent = redis.cli
    ? redis.cli + ` set product:x '{"id":"x","name":"From the shell","price":9.99}'`
    : 'Waiting for the sentinels to name the master…';
}

$('copy-cli').addEventListener('click', async () => {
  const button = $('copy-cli');
  try {
    await navigator.clipboard.writeText($('cli-command').textContent);
    button.textContent = 'Copied';
  } catch (e) {
    // Not a secure context (e.g. opened by IP address): select it for Ctrl+C instead.
    window.getSelection().selectAllChildren($('cli-command'));
    button.textContent = 'Press Ctrl+C';
  }
  setTimeout(() => { button.textContent = 'Copy'; }, 2000);
});

function renderDemoWriter(state) {
  const toggle = $('demo-writer');
  toggle.disabled = !state.enabled;
  toggle.checked = state.enabled && !state.paused;
  $('demo-writer-state').textContent = !state.enabled ? 'off (sample.demo-writer.enabled=false)'
      : state.paused ? 'paused' : 'writes every few seconds';
}

$('demo-writer').addEventListener('change', async (event) => {
  const response = await fetch('api/demo-writer', {
    method: 'PUT', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ paused: !event.target.checked }),
  });
  renderDemoWriter(await response.json());
});

fetch('api/demo-writer').then((r) => r.json()).then(renderDemoWriter);

// --- catalogue ---------------------------------------------------------------------------------

let refreshTimer = null;
function scheduleRefresh() {
  // Notifications come in bursts; one reload after the burst is enough.
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 300);
}

async function refresh() {
  try {
    // One after the other: the counters then include the reads of this refresh.
    const products = await fetch('api/products').then((r) => r.json());
    const stats = await fetch('api/cache').then((r) => r.json());
    renderProducts(products);
    $('stats').textContent =
        `${stats.size} cached · ${stats.hits} hits · ${stats.misses} misses · ` +
        `${stats.reloads} reloads (set / resync) · ${stats.evictions} evictions (del / expired / gone after a gap)`;
  } catch (e) {
    $('stats').textContent = 'cannot reach the application: ' + e;
  }
}

function renderProducts(entries) {
  const body = $('products');
  body.replaceChildren();
  if (entries.length === 0) {
    const row = el('tr');
    const cell = el('td', 'No products yet.');
    cell.colSpan = 5;
    row.append(cell);
    body.append(row);
  }
  for (const { product, cached } of entries) {
    const row = el('tr');
    row.dataset.id = product.id;
    const remove = el('button', 'DEL');
    remove.onclick = () => fetch('api/products/' + encodeURIComponent(product.id), { method: 'DELETE' });
    const actions = el('td');
    actions.append(remove);
    row.append(el('td', product.id), el('td', product.name, 'name'),
        el('td', Number(product.price).toFixed(2), 'num price'),
        el('td', cached ? 'cache hit' : 'from Redis', cached ? 'hit' : 'miss'), actions);
    body.append(row);
  }
}

// A rejected write answers with a ProblemDetail (application/problem+json); show its reason.
async function rejection(response) {
  try {
    const problem = await response.json();
    return `Rejected (${response.status}): ${problem.detail || problem.title}`;
  } catch (e) {
    return `Rejected (${response.status} ${response.statusText})`;
  }
}

$('write').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = { name: form.get('name'), price: form.get('price') };
  if (form.get('ttlSeconds')) body.ttlSeconds = Number(form.get('ttlSeconds'));
  const result = $('write-result');
  const response = await fetch('api/products/' + encodeURIComponent(form.get('id')), {
    method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  result.textContent = response.ok
      ? 'Written to Redis; watch the set notification reload the cache.' : await rejection(response);
  result.className = response.ok ? 'muted' : 'warn';
});

refresh();
setInterval(refresh, 10000);
refreshStatus();
setInterval(refreshStatus, STATUS_INTERVAL_MS);
refreshHandlers();
setInterval(refreshHandlers, STATUS_INTERVAL_MS);
