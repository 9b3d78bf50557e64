/**
 * The architects' page's static files (docs/registry.md#the-architects-page), read once from
 * registry/web/ and keyed by the URL path the registry's HTTP handler (registry/http/handler.ts) serves
 * them at. No CDN and no inline script or style: the page works offline under a `default-src 'self'` CSP.
 * That folder holds the page and nothing else: every script in it is served, so the server's own
 * modules (this one, schemaOutline.ts) live here, in registry/page/, where a build's compiled `.js`
 * is never mistaken for the page's.
 */
import fs from 'node:fs';

export interface RegistryPageAsset {
  readonly contentType: string;
  readonly body: string | Buffer;
}

const HERE = new URL('../web/', import.meta.url);
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

let assets: ReadonlyMap<string, RegistryPageAsset> | undefined;

/** `/registry/` (the HTML) and `/registry/assets/<file>` for every script, stylesheet and icon of the page. */
export function registryPageAssets(): ReadonlyMap<string, RegistryPageAsset> {
  assets ??= new Map<string, RegistryPageAsset>([
    ['/registry/', { contentType: 'text/html; charset=utf-8', body: fs.readFileSync(new URL('index.html', HERE), 'utf8') }],
    ...fs
      .readdirSync(HERE)
      .filter((file) => Object.hasOwn(CONTENT_TYPES, extensionOf(file)))
      .sort()
      .map((file): [string, RegistryPageAsset] => [
        `/registry/assets/${file}`,
        { contentType: CONTENT_TYPES[extensionOf(file)]!, body: fs.readFileSync(new URL(file, HERE), 'utf8') },
      ]),
  ]);
  return assets;
}

function extensionOf(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot === -1 ? '' : file.slice(dot);
}
