// The registry's JSON API (docs/registry.md#http-api), called with the bearer token the architect
// pasted into the form. The token stays in sessionStorage: gone when the tab closes.
/* global sessionStorage, fetch, URLSearchParams -- the browser runs this file (ESLint lints it as plain JS). */

const TOKEN_KEY = 'tessera.registry.token';

export function savedToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function saveToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** An HTTP error of the API, with the registry's error code when the body had one. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** GET `/registry/api/<path>` as JSON; throws ApiError on any non-2xx answer. */
export async function api(path) {
  const token = savedToken();
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(`/registry/api/${path}`, { headers });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', `The registry could not be reached (${error.message}).`);
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    const error = body && typeof body === 'object' ? body.error : null;
    throw new ApiError(response.status, error?.code ?? null, error?.message ?? `HTTP ${response.status} ${response.statusText}`);
  }
  return response.json();
}

/** Builds `path?key=value&...` with each value URL-encoded, leaving out empty ones. */
export function query(path, params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== null && value !== undefined && value !== '') search.append(key, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}
