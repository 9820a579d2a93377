// The sample's page: a live notification feed (EventSource) and the catalogue read through the cache.
'use strict';

const FEED_LIMIT = 60;
const feed = document.getElementById('feed');
const feedState = document.getElementById('feed-state');

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// --- live feed -------------------------------------------------------------------------------

const stream = new EventSource('api/notifications/stream');
stream.onopen = () => { feedState.textContent = 'live'; feedState.className = 'ok'; };
stream.onerror = () => { feedState.textContent = 'reconnecting…'; feedState.className = 'warn'; };
stream.addEventListener('notification', (message) => {
  const entry = JSON.parse(message.data);
  const item = el('li');
  item.append(el('time', new Date(entry.at).toLocaleTimeString()), ' ',
      el('span', entry.event, 'event event-' + entry.event), ' ', el('code', entry.key));
  item.title = entry.channel + ' from ' + entry.node;
  feed.prepend(item);
  while (feed.children.length > FEED_LIMIT) feed.lastChild.remove();
  if (entry.key.startsWith('product:')) scheduleRefresh();
});

// --- catalogue -------------------------------------------------------------------------------

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
    document.getElementById('stats').textContent =
        `${stats.size} cached · ${stats.hits} hits · ${stats.misses} misses · ` +
        `${stats.reloads} reloads (set) · ${stats.evictions} evictions (del / expired)`;
  } catch (e) {
    document.getElementById('stats').textContent = 'cannot reach the application: ' + e;
  }
}

function renderProducts(entries) {
  const body = document.getElementById('products');
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
    const remove = el('button', 'DEL');
    remove.onclick = () => fetch('api/products/' + encodeURIComponent(product.id), { method: 'DELETE' });
    const actions = el('td');
    actions.append(remove);
    row.append(el('td', product.id), el('td', product.name), el('td', Number(product.price).toFixed(2), 'num'),
        el('td', cached ? 'cache hit' : 'from Redis', cached ? 'hit' : 'miss'), actions);
    body.append(row);
  }
}

document.getElementById('write').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = { name: form.get('name'), price: form.get('price') };
  if (form.get('ttlSeconds')) body.ttlSeconds = Number(form.get('ttlSeconds'));
  const response = await fetch('api/products/' + encodeURIComponent(form.get('id')), {
    method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  document.getElementById('write-result').textContent = response.ok
      ? 'Written to Redis; watch the set notification reload the cache.'
      : 'Rejected: ' + (await response.text());
});

refresh();
setInterval(refresh, 10000);
