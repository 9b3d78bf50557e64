// The architects' page (docs/registry.md#the-architects-page): one view per hash route
// (#schema, #history, #checks, #deprecations, #usage), each read from the registry's JSON API.
// Plain ES modules, no build step, no framework; served with `default-src 'self'`.
/* global document, location, console, window -- the browser runs this file (ESLint lints it as plain JS). */
import { ApiError, saveToken, savedToken } from './api.js';
import { code, h } from './dom.js';
import { renderChecks } from './viewChecks.js';
import { renderHistory } from './viewHistory.js';
import { renderSchema } from './viewSchema.js';
import { renderDeprecations, renderUsage } from './viewUsage.js';

const VIEWS = {
  schema: renderSchema,
  history: renderHistory,
  checks: renderChecks,
  deprecations: renderDeprecations,
  usage: renderUsage,
};
const TITLES = { schema: 'Schema', history: 'History', checks: 'Checks', deprecations: 'Deprecations', usage: 'Usage' };

const main = document.getElementById('main');
const notice = document.getElementById('notice');
const tokenForm = document.getElementById('token-form');
const tokenInput = document.getElementById('token-input');

/** Each render gets a number; a slower earlier one finishing late does not overwrite a newer one. */
let renderCount = 0;

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const view = parts[0] in VIEWS ? parts[0] : 'schema';
  return { view, rest: parts[0] in VIEWS ? parts.slice(1) : [] };
}

async function render() {
  const { view, rest } = route();
  const current = ++renderCount;
  for (const link of document.querySelectorAll('.tabs a')) {
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${TITLES[view]} · Tessera schema registry`;
  main.setAttribute('aria-busy', 'true');
  main.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  let content;
  try {
    content = await VIEWS[view](rest);
    hideNotice();
  } catch (error) {
    content = errorPanel(error);
  }
  if (current !== renderCount) return;
  main.replaceChildren(...[content].flat(Infinity).filter(Boolean));
  main.removeAttribute('aria-busy');
}

function errorPanel(error) {
  if (!(error instanceof ApiError)) {
    console.error(error);
    return h(
      'section',
      { class: 'card problem', role: 'alert' },
      h('h1', null, 'The page failed'),
      h('p', null, String(error?.message ?? error)),
    );
  }
  if (error.status === 401) {
    showNotice('Sign in: paste a bearer token with the registry:read scope into the form above.');
    tokenInput.focus();
    return problem(
      savedToken() ? 'The token was refused' : 'A token is needed',
      [
        savedToken()
          ? 'The registry did not accept this token (expired, or signed by another key). '
          : 'The registry answers only requests with a bearer token. ',
        'Paste one with the ',
        code('registry:read'),
        ' scope (',
        code('registry:write'),
        ' for architects) into the form above, for example from ',
        code('npm run token -- --sub me --scope registry:write'),
        '.',
      ],
      error,
    );
  }
  if (error.status === 403) {
    showNotice('This token may not read the registry: it needs the registry:read scope.');
    return problem(
      'Not allowed',
      ['The token is valid but lacks the ', code('registry:read'), ' scope this page needs. Use a token that carries it.'],
      error,
    );
  }
  if (error.status === 404) return problem('Not found', ['The registry has no such record.'], error);
  return problem('The registry answered with an error', ['Try again; if it persists, the registry logs have the details.'], error);
}

function problem(title, sentence, error) {
  return h(
    'section',
    { class: 'card problem', role: 'alert', 'data-status': error.status },
    h('h1', null, title),
    h('p', null, sentence),
    h('p', { class: 'muted small' }, `HTTP ${error.status}${error.code ? ` · ${error.code}` : ''}: `, error.message),
  );
}

function showNotice(text) {
  notice.textContent = text;
  notice.hidden = false;
}

function hideNotice() {
  notice.hidden = true;
  notice.textContent = '';
}

tokenInput.value = savedToken();
tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  saveToken(tokenInput.value.trim());
  void render();
});
document.getElementById('token-clear').addEventListener('click', () => {
  tokenInput.value = '';
  saveToken('');
  void render();
});
window.addEventListener('hashchange', () => {
  void render().then(() => main.focus({ preventScroll: true }));
});
void render();
