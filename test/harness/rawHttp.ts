/**
 * Raw HTTP calls for the HTTP-surface suites: any method, headers and body, and the response as
 * it came (status, headers, text, parsed JSON when it is JSON).
 */

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body when it is JSON; undefined otherwise. */
  readonly json: unknown;
}

export async function rawRequest(url: string, init: RequestInit = {}): Promise<RawResponse> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** What a stack trace or a server file path looks like inside a response body. */
const LEAKS: readonly RegExp[] = [
  /\bat [\w$.<>[\] ]+ \(/, // "at fn (file:line:col)"
  /\bat (?:file:|node:|\/)/, // "at /path/file.ts:1:2"
  /\.(?:ts|js|mjs|cjs):\d+/, // file.ts:12
  /\/(?:work|home|tmp|usr|var|opt|srv|app)\//, // absolute paths
  /node_modules/,
  /"stacktrace"/i,
  /"stack"/,
];

/** The leak patterns the text matches (empty when the body is clean). */
export function stackLeaks(text: string): string[] {
  return LEAKS.filter((pattern) => pattern.test(text)).map(String);
}
