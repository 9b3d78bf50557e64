// Schema view: each subgraph's head version with its types and fields and who owns them
// (GET /registry/api/schema, registry/web/schemaOutline.ts).
import { api } from './api.js';
import { badge, code, empty, filterBox, h, sideNav, table, time } from './dom.js';

const KIND_LABEL = { OBJECT: 'type', INTERFACE: 'interface', INPUT_OBJECT: 'input', ENUM: 'enum', UNION: 'union', SCALAR: 'scalar' };

export async function renderSchema(route) {
  const outlines = await api('schema');
  if (outlines.length === 0) return [h('h1', null, 'Schema'), empty('Nothing is published yet.')];
  const selected = outlines.find((outline) => outline.subgraph === route[0]) ?? outlines[0];
  return [
    h('h1', null, 'Schema'),
    h('div', { class: 'split' }, subgraphList(outlines, selected), h('div', { class: 'split-main' }, subgraphDetail(selected))),
  ];
}

function subgraphList(outlines, selected) {
  return sideNav(
    outlines.map((outline) => ({
      href: `#schema/${encodeURIComponent(outline.subgraph)}`,
      name: outline.subgraph,
      meta: `${outline.system ?? 'no system'} · v${outline.version}`,
      current: outline === selected,
    })),
  );
}

function subgraphDetail(outline) {
  const cards = outline.types.map((type) => typeCard(type));
  const count = h('span', { class: 'muted', 'aria-live': 'polite' }, `${outline.types.length} types`);
  const filter = filterBox('schema-filter', 'Filter types and fields', 'e.g. Invoice or amount', (text) => {
    let shown = 0;
    for (const card of cards) {
      const typeMatch = card.dataset.name.includes(text);
      let rowsShown = 0;
      for (const row of card.querySelectorAll('tbody tr')) {
        row.hidden = !(typeMatch || row.dataset.name.includes(text));
        if (!row.hidden) rowsShown += 1;
      }
      card.hidden = !(typeMatch || rowsShown > 0);
      if (!card.hidden) shown += 1;
    }
    count.textContent = text ? `${shown} of ${outline.types.length} types` : `${outline.types.length} types`;
  });
  return [
    h(
      'section',
      { class: 'card subgraph-head', 'aria-labelledby': 'subgraph-title' },
      h('h2', { id: 'subgraph-title' }, outline.subgraph, ' ', systemBadge(outline.system), ' ', badge(`v${outline.version}`, 'info')),
      h(
        'dl',
        { class: 'meta' },
        h('dt', null, 'Routing URL'),
        h('dd', null, code(outline.url)),
        h('dt', null, 'Published by'),
        h('dd', null, outline.author),
        h('dt', null, 'Published at'),
        h('dd', null, time(outline.publishedAt)),
      ),
    ),
    h('div', { class: 'toolbar' }, filter, count),
    h('div', { class: 'types' }, cards),
  ];
}

function typeCard(type) {
  const isValues = type.kind === 'ENUM' || type.kind === 'UNION';
  const headers = isValues ? [type.kind === 'ENUM' ? 'Value' : 'Member', 'Owner', 'Notes'] : ['Field', 'Type', 'Owner', 'Notes'];
  const rows = type.fields.map((field) =>
    h(
      'tr',
      { 'data-name': field.name.toLowerCase(), class: field.deprecated ? 'deprecated' : null },
      h(
        'th',
        { scope: 'row' },
        code(field.name),
        field.arguments.length > 0 ? h('span', { class: 'args' }, '(', field.arguments.join(', '), ')') : null,
      ),
      isValues ? null : h('td', null, code(field.type)),
      h('td', null, systemBadge(field.owner, field.owner !== type.owner)),
      h('td', null, notes(field)),
    ),
  );
  return h(
    'section',
    { class: 'card type-card', 'data-name': type.name.toLowerCase(), 'aria-label': `${KIND_LABEL[type.kind]} ${type.name}` },
    h(
      'h3',
      null,
      h('span', { class: 'kind' }, KIND_LABEL[type.kind]),
      ' ',
      h('span', { class: 'type-name' }, type.name),
      ' ',
      systemBadge(type.owner),
    ),
    type.description ? h('p', { class: 'description' }, type.description) : null,
    type.fields.length > 0 ? table(`Fields of ${type.name}`, headers, rows, 'fields') : null,
  );
}

function notes(field) {
  const parts = [];
  if (field.description) parts.push(h('span', { class: 'field-description' }, field.description));
  if (field.deprecated) {
    parts.push(
      h(
        'span',
        { class: 'deprecation' },
        badge('deprecated', 'warn'),
        ' ',
        field.deprecationReason,
        field.sunsetAt ? [' ', badge(`sunset ${field.sunsetAt}`, 'danger')] : null,
      ),
    );
  }
  return parts;
}

export function systemBadge(system, emphasise = false) {
  if (!system) return badge('no owner', 'neutral');
  return h(
    'span',
    { class: `system system-${system.toLowerCase()}${emphasise ? ' system-own' : ''}`, title: `Owned by ${system}` },
    system,
  );
}
