// Checks view: recent check reports, and one report with each check's findings
// (GET /registry/api/checks, GET /registry/api/checks/ID). Route: #checks or #checks/<id>.
import { api, query } from './api.js';
import { changeGroups } from './changes.js';
import { badge, clientList, code, empty, h, richText, table, time } from './dom.js';

const SEVERITY_TONE = { error: 'danger', warning: 'warn', info: 'neutral' };

export async function renderChecks(route) {
  if (route[0]) return renderReport(await api(`checks/${encodeURIComponent(route[0])}`));
  const reports = await api(query('checks', { limit: 50 }));
  if (reports.length === 0) return [h('h1', null, 'Checks'), empty('No check has run yet.')];
  const rows = reports.map((report) =>
    h(
      'tr',
      { class: report.passed ? null : 'failed' },
      h('th', { scope: 'row' }, h('a', { href: `#checks/${report.id}` }, `Check #${report.id}`)),
      h('td', null, report.subgraph),
      h('td', null, result(report.passed)),
      h('td', null, errorCount(report)),
      h('td', null, report.baseVersion === null ? h('span', { class: 'muted' }, 'none') : `v${report.baseVersion}`),
      h('td', null, report.author),
      h('td', null, time(report.checkedAt)),
    ),
  );
  return [
    h('h1', null, 'Checks'),
    h('p', { class: 'lede' }, 'The newest check reports, from ', code('check'), ' and from every publish. Open one to read its findings.'),
    table('Recent check reports', ['Report', 'Subgraph', 'Result', 'Errors', 'Base', 'Author', 'Checked at'], rows, 'checks'),
  ];
}

function renderReport(report) {
  return [
    h('p', { class: 'crumbs' }, h('a', { href: '#checks' }, '← All checks')),
    h('h1', null, `Check #${report.id} `, h('span', { class: 'muted' }, 'of'), ` ${report.subgraph} `, result(report.passed)),
    h(
      'dl',
      { class: 'meta card' },
      h('dt', null, 'Compared with'),
      h('dd', null, report.baseVersion === null ? 'no published version' : `v${report.baseVersion}`),
      h('dt', null, 'Author'),
      h('dd', null, report.author),
      h('dt', null, 'Checked at'),
      h('dd', null, time(report.checkedAt)),
      h('dt', null, 'SDL sha256'),
      h('dd', null, code(report.sdlHash)),
    ),
    h('h2', null, 'Checks'),
    h(
      'div',
      { class: 'sections' },
      report.sections.map((section) => sectionCard(section)),
    ),
    h('h2', null, 'Changes against the current schema'),
    changeGroups(report.changes),
  ];
}

function sectionCard(section) {
  const findings = section.findings.map((finding) =>
    h(
      'tr',
      { class: `finding finding-${finding.severity}` },
      h('th', { scope: 'row' }, h('span', { class: 'rule' }, finding.rule)),
      h('td', null, badge(finding.severity, SEVERITY_TONE[finding.severity] ?? 'neutral')),
      h('td', null, finding.coordinate ? code(finding.coordinate) : h('span', { class: 'muted' }, '—')),
      h('td', null, finding.subgraph ?? h('span', { class: 'muted' }, '—')),
      h('td', { class: 'message' }, richText(finding.message)),
      h('td', null, finding.clients ? clientList(finding.clients) : h('span', { class: 'muted' }, '—')),
    ),
  );
  return h(
    'details',
    {
      class: `card section ${section.passed ? 'section-passed' : 'section-failed'}`,
      open: !section.passed || section.findings.length > 0,
      'data-section': section.name,
    },
    h(
      'summary',
      null,
      h('span', { class: 'section-name' }, section.name),
      ' ',
      result(section.passed),
      ' ',
      h('span', { class: 'muted' }, `${section.findings.length} ${section.findings.length === 1 ? 'finding' : 'findings'}`),
    ),
    findings.length > 0
      ? table(
          `Findings of the ${section.name} check`,
          ['Rule', 'Severity', 'Coordinate', 'Subgraph', 'Message', 'Clients'],
          findings,
          'findings',
        )
      : empty('Nothing found.'),
  );
}

function result(passed) {
  return passed ? badge('passed', 'ok') : badge('failed', 'danger');
}

function errorCount(report) {
  const errors = report.sections.flatMap((section) => section.findings).filter((finding) => finding.severity === 'error').length;
  return errors === 0 ? h('span', { class: 'muted' }, '0') : h('strong', { class: 'text-danger' }, String(errors));
}
