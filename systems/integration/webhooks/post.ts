/**
 * One delivery attempt over HTTP (docs/processes.md#webhooks): a POST with a bounded time for the
 * whole exchange, no redirects followed (a 3xx is a failed attempt: a redirect could lead anywhere),
 * and only the first characters of the answer read; the rest of the body is discarded unread.
 */
import http from 'node:http';
import https from 'node:https';
import { publicOnlyLookup } from './targetUrl.ts';

export const RESPONSE_EXCERPT_CHARS = 256;

export interface PostResult {
  readonly status: number;
  /** The start of the answer's body (at most RESPONSE_EXCERPT_CHARS characters). */
  readonly excerpt: string;
}

export interface PostOptions {
  readonly timeoutMs: number;
  /** Connect only to public addresses (production): names are resolved and checked at connect time. */
  readonly publicOnly: boolean;
}

/** Sends `body`; resolves with the answer's status, rejects when there is none in time (refused, reset, timed out). */
export type WebhookPoster = (
  url: URL,
  body: string,
  headers: Readonly<Record<string, string>>,
  options: PostOptions,
) => Promise<PostResult>;

export const postWebhook: WebhookPoster = (url, body, headers, options) =>
  new Promise<PostResult>((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'Tessera-Webhooks/1',
      },
      ...(options.publicOnly ? { lookup: publicOnlyLookup as never } : {}),
    });
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.on('response', (response) => {
      let excerpt = '';
      const finish = () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, excerpt });
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (excerpt.length < RESPONSE_EXCERPT_CHARS) excerpt = (excerpt + chunk).slice(0, RESPONSE_EXCERPT_CHARS);
        if (excerpt.length >= RESPONSE_EXCERPT_CHARS) {
          response.destroy();
          finish();
        }
      });
      response.on('end', finish);
      response.on('error', finish);
      response.on('close', finish);
    });
    request.end(body);
  });
