// Schema changes grouped BREAKING / DANGEROUS / SAFE (docs/registry.md#changes) and a unified
// text diff, shared by the history view and the check reports.
import { code, empty, h, richText } from './dom.js';

const SEVERITIES = [
  { key: 'BREAKING', label: 'Breaking', tone: 'danger' },
  { key: 'DANGEROUS', label: 'Dangerous', tone: 'warn' },
  { key: 'SAFE', label: 'Safe', tone: 'ok' },
];

/** `changes`: a flat SchemaChange[] (a diff) or a report's `{ breaking, dangerous, safe }`. */
export function changeGroups(changes) {
  const all = Array.isArray(changes) ? changes : [...changes.breaking, ...changes.dangerous, ...changes.safe];
  if (all.length === 0) return h('div', { class: 'changes' }, empty('No change to the API schema.'));
  return h(
    'div',
    { class: 'changes' },
    SEVERITIES.map(({ key, label, tone }) => {
      const group = all.filter((change) => change.severity === key);
      if (group.length === 0) return null;
      return h(
        'section',
        { class: `change-group change-${tone}`, 'aria-label': `${label} changes`, 'data-severity': key },
        h(
          'h4',
          null,
          h('span', { class: `badge badge-${tone}` }, key),
          ' ',
          `${group.length} ${group.length === 1 ? 'change' : 'changes'}`,
        ),
        h(
          'ul',
          null,
          group.map((change) =>
            h(
              'li',
              { class: 'change', 'data-kind': change.kind },
              h('span', { class: 'change-kind' }, change.kind),
              ' ',
              code(change.coordinate),
              h('div', { class: 'change-message' }, richText(change.message)),
            ),
          ),
        ),
      );
    }),
  );
}

/** A unified diff, one element per line, coloured by its first character. */
export function unifiedDiff(text) {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return h(
    'pre',
    { class: 'diff', tabindex: '0', 'aria-label': 'Unified diff of the SDL' },
    lines.map((line) => h('span', { class: `line ${lineClass(line)}` }, line === '' ? ' ' : line)),
  );
}

function lineClass(line) {
  if (line.startsWith('+++') || line.startsWith('---')) return 'line-file';
  if (line.startsWith('@@')) return 'line-hunk';
  if (line.startsWith('+')) return 'line-add';
  if (line.startsWith('-')) return 'line-del';
  return 'line-context';
}
