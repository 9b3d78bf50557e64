// DOM building for the architects' page. Every string from the API goes in as a text node
// (never innerHTML), so a schema description or a client id cannot become markup.
/* global document, Node -- the browser runs this file (ESLint lints it as plain JS). */

/** `h('td', { class: 'x' }, 'text', child)`: an element; `on*` props are listeners, null/false props and children are skipped. */
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') element.className = value;
    else if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'value') element.value = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** A table with a caption (screen readers announce it) and a header row. */
export function table(caption, headers, rows, className = '') {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: `data ${className}` },
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((header) => h('th', { scope: 'col' }, header)),
        ),
      ),
      h('tbody', null, rows),
    ),
  );
}

/** An ISO timestamp as `2025-03-01 14:05 UTC` in a <time> element. */
export function time(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const date = new Date(iso);
  const text = Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return h('time', { datetime: iso }, text);
}

export function badge(text, tone = 'neutral', title = null) {
  return h('span', { class: `badge badge-${tone}`, title }, text);
}

export function code(text) {
  return h('code', null, text);
}

/** The clients that used a coordinate: `web-app · 12 ops · last 2025-03-01 14:05 UTC`. */
export function clientList(clients) {
  if (!clients || clients.length === 0) return h('span', { class: 'muted' }, 'no recorded use');
  return h(
    'ul',
    { class: 'clients' },
    clients.map((client) =>
      h(
        'li',
        null,
        h('span', { class: 'client-id' }, client.clientId),
        h('span', { class: 'muted' }, ` · ${client.count} ${client.count === 1 ? 'op' : 'ops'} · last `),
        time(client.lastUsedAt),
      ),
    ),
  );
}

/** A text filter input with its label; `onFilter(query)` on every keystroke. */
export function filterBox(id, label, placeholder, onFilter) {
  return h(
    'div',
    { class: 'filter' },
    h('label', { for: id }, label),
    h('input', {
      id,
      type: 'search',
      placeholder,
      autocomplete: 'off',
      spellcheck: 'false',
      oninput: (event) => onFilter(event.target.value.trim().toLowerCase()),
    }),
  );
}

/** The list of subgraphs beside a view: `items` are `{ href, name, meta, current }`. */
export function sideNav(items) {
  return h(
    'nav',
    { class: 'side', 'aria-label': 'Subgraphs' },
    h('h2', { class: 'side-title' }, 'Subgraphs'),
    h(
      'ul',
      null,
      items.map((item) =>
        h(
          'li',
          null,
          h(
            'a',
            { href: item.href, 'aria-current': item.current ? 'page' : null },
            h('span', { class: 'side-name' }, item.name),
            h('span', { class: 'side-meta' }, item.meta),
          ),
        ),
      ),
    ),
  );
}

/** Text where `backquoted` parts (as the checks write coordinates and SDL) become <code>: split, never parsed as markup. */
export function richText(text) {
  return String(text)
    .split('`')
    .map((part, index) => (index % 2 === 1 ? h('code', null, part) : part))
    .filter((part) => part !== '');
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}
