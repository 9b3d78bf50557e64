// Deprecations (GET /registry/api/deprecations) with their sunset dates and current use, and usage
// (GET /registry/api/usage): which clients used which coordinates in the window.
import { api } from './api.js';
import { badge, clientList, code, empty, filterBox, h, richText, table } from './dom.js';

/** A sunset this many days away or nearer is highlighted. */
const NEAR_DAYS = 90;

export async function renderDeprecations() {
  const deprecations = [...(await api('deprecations'))].sort((a, b) => (a.sunsetAt ?? '9999').localeCompare(b.sunsetAt ?? '9999'));
  const today = new Date().toISOString().slice(0, 10);
  const rows = deprecations.map((deprecation) =>
    h(
      'tr',
      { class: `sunset-${sunsetState(deprecation.sunsetAt, today)}` },
      h('th', { scope: 'row' }, code(deprecation.coordinate)),
      h('td', null, deprecation.subgraph ?? h('span', { class: 'muted' }, '—')),
      h('td', null, sunsetBadge(deprecation.sunsetAt, today)),
      h('td', { class: 'message' }, richText(deprecation.reason)),
      h('td', null, clientList(deprecation.clients)),
    ),
  );
  return [
    h('h1', null, 'Deprecations'),
    h(
      'p',
      { class: 'lede' },
      'Deprecated fields, arguments and enum values of the current supergraph, soonest sunset first, with who still uses them.',
    ),
    deprecations.length === 0
      ? empty('Nothing is deprecated.')
      : table('Deprecations', ['Coordinate', 'Subgraph', 'Sunset', 'Reason', 'Current use'], rows, 'deprecations'),
  ];
}

function sunsetState(sunsetAt, today) {
  if (!sunsetAt) return 'none';
  if (sunsetAt <= today) return 'past';
  return daysBetween(today, sunsetAt) <= NEAR_DAYS ? 'near' : 'later';
}

function sunsetBadge(sunsetAt, today) {
  switch (sunsetState(sunsetAt, today)) {
    case 'none':
      return badge('no sunset date', 'danger', 'Every deprecation needs "Sunset YYYY-MM-DD" in its reason');
    case 'past':
      return badge(`${sunsetAt} · passed`, 'danger');
    case 'near':
      return badge(`${sunsetAt} · in ${daysBetween(today, sunsetAt)} days`, 'warn');
    default:
      return badge(sunsetAt, 'neutral');
  }
}

function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export async function renderUsage() {
  const usage = [...(await api('usage'))].sort((a, b) => a.coordinate.localeCompare(b.coordinate));
  if (usage.length === 0) return [h('h1', null, 'Usage'), empty('No usage recorded in the window yet.')];
  const rows = usage.map((entry) => {
    const haystack = [entry.coordinate, ...entry.clients.map((client) => client.clientId)].join(' ').toLowerCase();
    const total = entry.clients.reduce((sum, client) => sum + client.count, 0);
    return h(
      'tr',
      { 'data-haystack': haystack },
      h('th', { scope: 'row' }, code(entry.coordinate)),
      h('td', { class: 'number' }, String(total)),
      h('td', null, clientList(entry.clients)),
    );
  });
  const count = h('span', { class: 'muted', 'aria-live': 'polite' }, `${usage.length} coordinates`);
  const filter = filterBox('usage-filter', 'Filter by coordinate or client', 'e.g. Project.invoices or web-app', (text) => {
    let shown = 0;
    for (const row of rows) {
      row.hidden = !row.dataset.haystack.includes(text);
      if (!row.hidden) shown += 1;
    }
    count.textContent = text ? `${shown} of ${usage.length} coordinates` : `${usage.length} coordinates`;
  });
  return [
    h('h1', null, 'Usage'),
    h('p', { class: 'lede' }, 'The coordinates clients used in the usage window, as the gateways record them, and who used them last.'),
    h('div', { class: 'toolbar' }, filter, count),
    table('Usage by coordinate', ['Coordinate', 'Operations', 'Clients'], rows, 'usage'),
    deprecationsHint(),
  ];
}

function deprecationsHint() {
  return h(
    'p',
    { class: 'muted small' },
    'Deprecated coordinates and their sunset dates are under ',
    h('a', { href: '#deprecations' }, 'Deprecations'),
    '.',
  );
}
