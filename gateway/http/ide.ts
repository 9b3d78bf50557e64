import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

/**
 * GraphiQL served from installed packages (no CDN), so the IDE works on a machine without
 * internet access. Assets are read once at start; the page runs no inline script, so a strict
 * Content-Security-Policy applies. The headers a person types (the bearer token) are kept in the
 * browser's localStorage across reloads (`shouldPersistHeaders`; docs/production.md#the-ide): the IDE
 * is a development tool, off in production unless `TESSERA_IDE=on`.
 */
export interface StaticAsset {
  readonly contentType: string;
  readonly body: Buffer;
}

const require = createRequire(import.meta.url);

const INIT_SCRIPT = `
const fetcher = GraphiQL.createFetcher({ url: new URL('graphql', window.location.href).toString() });
const initial = [
  '# Welcome to Tessera: one graph over CRM, PSA and ERP.',
  '# Try: a project with its customer, contract, staff and invoices.',
  'query Portfolio {',
  '  projects(filter: { status: [ACTIVE] }, first: 5) {',
  '    totalCount',
  '    nodes { code name customer { name } contract { totalContractValue { amount currency } } staffCount billedToDate { amount currency } }',
  '  }',
  '}',
].join('\\n');
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery: initial, defaultEditorToolsVisibility: true, shouldPersistHeaders: true }),
);
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Tessera GraphQL IDE</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/ide/graphiql.min.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading the GraphQL IDE...</div>
<script src="/ide/react.production.min.js"></script>
<script src="/ide/react-dom.production.min.js"></script>
<script src="/ide/graphiql.min.js"></script>
<script src="/ide/init.js"></script>
</body>
</html>
`;

export const IDE_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'";

export function loadIdeAssets(): ReadonlyMap<string, StaticAsset> {
  // Through each package's package.json: react and react-dom do not export their umd/ files.
  const file = (pkg: string, name: string) => fs.readFileSync(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), name));
  const js = 'text/javascript; charset=utf-8';
  return new Map<string, StaticAsset>([
    ['/', { contentType: 'text/html; charset=utf-8', body: Buffer.from(PAGE) }],
    ['/ide/init.js', { contentType: js, body: Buffer.from(INIT_SCRIPT) }],
    ['/ide/graphiql.min.js', { contentType: js, body: file('graphiql', 'graphiql.min.js') }],
    ['/ide/graphiql.min.css', { contentType: 'text/css; charset=utf-8', body: file('graphiql', 'graphiql.min.css') }],
    ['/ide/react.production.min.js', { contentType: js, body: file('react', 'umd/react.production.min.js') }],
    ['/ide/react-dom.production.min.js', { contentType: js, body: file('react-dom', 'umd/react-dom.production.min.js') }],
  ]);
}
