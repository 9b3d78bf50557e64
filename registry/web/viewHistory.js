// History view: a subgraph's versions (newest first) and the diff between any two
// (GET /registry/api/history, GET /registry/api/diff). Route: #history/<subgraph>/<from>/<to>.
/* global FormData, history -- the browser runs this file (ESLint lints it as plain JS). */
import { api, query } from './api.js';
import { changeGroups, unifiedDiff } from './changes.js';
import { badge, code, empty, h, sideNav, table, time } from './dom.js';

export async function renderHistory(route) {
  const subgraphs = (await api('subgraphs')).filter((subgraph) => subgraph.version !== null);
  if (subgraphs.length === 0) return [h('h1', null, 'History'), empty('Nothing is published yet.')];
  const selected = subgraphs.find((subgraph) => subgraph.name === route[0]) ?? subgraphs[0];
  const versions = await api(query('history', { subgraph: selected.name }));
  return [
    h('h1', null, 'History'),
    h(
      'div',
      { class: 'split' },
      sideNav(
        subgraphs.map((subgraph) => ({
          href: `#history/${encodeURIComponent(subgraph.name)}`,
          name: subgraph.name,
          meta: `${subgraph.version} ${subgraph.version === 1 ? 'version' : 'versions'}`,
          current: subgraph === selected,
        })),
      ),
      h('div', { class: 'split-main' }, versionsPanel(selected.name, versions, Number(route[1]), Number(route[2]))),
    ),
  ];
}

function versionsPanel(subgraph, versions, from, to) {
  const numbers = versions.map((version) => version.version);
  const toVersion = numbers.includes(to) ? to : numbers[0];
  const fromVersion = numbers.includes(from) ? from : (numbers.find((number) => number < toVersion) ?? numbers[numbers.length - 1]);
  const diffArea = h('div', { class: 'diff-area', 'aria-live': 'polite' });
  const picked = (name) => Number(new FormData(form).get(name));
  const compare = async () => {
    const [a, b] = [picked('from'), picked('to')];
    history.replaceState(null, '', `#history/${encodeURIComponent(subgraph)}/${a}/${b}`);
    await showDiff(diffArea, subgraph, a, b);
  };
  const rows = versions.map((version) =>
    h(
      'tr',
      { 'data-version': version.version },
      h('td', { class: 'pick' }, radio('from', version.version, fromVersion, `Compare from version ${version.version}`)),
      h('td', { class: 'pick' }, radio('to', version.version, toVersion, `Compare to version ${version.version}`)),
      h('th', { scope: 'row' }, `v${version.version}`, version.version === numbers[0] ? [' ', badge('head', 'info')] : null),
      h('td', null, version.author),
      h('td', null, version.commit ? code(version.commit.slice(0, 12)) : h('span', { class: 'muted' }, '—')),
      h('td', null, time(version.publishedAt)),
      h('td', null, version.rolledBackFrom !== null ? badge(`rollback to v${version.rolledBackFrom}`, 'warn') : null),
    ),
  );
  const form = h(
    'form',
    {
      class: 'card',
      'aria-labelledby': 'versions-title',
      onsubmit: (event) => {
        event.preventDefault();
        void compare();
      },
    },
    h('h2', { id: 'versions-title' }, `${subgraph}: ${versions.length} ${versions.length === 1 ? 'version' : 'versions'}`),
    table(`Versions of ${subgraph}`, ['From', 'To', 'Version', 'Author', 'Commit', 'Published', ''], rows, 'versions'),
    h('div', { class: 'actions' }, h('button', { type: 'submit', disabled: versions.length < 2 }, 'Show diff')),
  );
  if (versions.length >= 2) void showDiff(diffArea, subgraph, fromVersion, toVersion);
  else diffArea.append(empty('One version only: publish another to compare.'));
  return [form, diffArea];
}

function radio(name, value, checked, label) {
  return h('input', { type: 'radio', name, value: String(value), checked: value === checked, 'aria-label': label });
}

async function showDiff(area, subgraph, from, to) {
  area.replaceChildren(h('p', { class: 'loading' }, 'Loading the diff…'));
  if (from === to) {
    area.replaceChildren(empty('Pick two different versions.'));
    return;
  }
  try {
    const diff = await api(query('diff', { subgraph, from, to }));
    area.replaceChildren(
      h(
        'section',
        { class: 'card diff-card', 'aria-labelledby': 'diff-title' },
        h('h2', { id: 'diff-title' }, `${diff.subgraph} v${diff.from} → v${diff.to}`),
        h('h3', null, 'API schema changes'),
        changeGroups(diff.changes),
        h('h3', null, 'SDL'),
        diff.text ? unifiedDiff(diff.text) : empty('The SDL is the same.'),
      ),
    );
  } catch (error) {
    area.replaceChildren(h('p', { class: 'error', role: 'alert' }, error.message));
  }
}
