/**
 * One subgraph call of the keep-alive pool (docs/resilience.md#connection-pools): undici's dispatch
 * handler for it, and the small response it resolves with. No WHATWG `Response`, `Headers` or web
 * streams are made: the body's chunks are gathered as undici hands them over, decoded when the
 * subgraph compressed them, and refused (the request aborted, its socket freed) as soon as they pass
 * the bound the response-size limit sets (README "Operation limits").
 */
import type { IncomingHttpHeaders } from 'node:http';
import zlib from 'node:zlib';
import type { FetcherHeaders, FetcherResponse } from '@apollo/utils.fetcher';
import type { Dispatcher } from 'undici';

type Controller = Dispatcher.DispatchController;

/** Where a call is: waiting for its status, gathering its body, or over (one way or another). */
type State = 'head' | 'body' | 'ended' | 'refused' | 'failed';

/** Statuses whose answer has no body to decode. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Lenient like undici's fetch (and cURL): a body cut short at a flush point still decodes. */
const LENIENT = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };

/** The decoder of a content coding undici's fetch decoded too; other codings are handed on as they are. */
function decoderOf(coding: string | string[] | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  const name = typeof coding === 'string' ? coding.trim().toLowerCase() : '';
  if (name === 'gzip' || name === 'x-gzip') return zlib.createGunzip(LENIENT);
  if (name === 'deflate') return zlib.createInflate(LENIENT);
  if (name === 'br') return zlib.createBrotliDecompress();
  return null;
}

export class PooledCall implements Dispatcher.DispatchHandler {
  private state: State = 'head';
  private controller: Controller | null = null;
  private failure: unknown = null;
  private readonly chunks: Buffer[] = [];
  private received = 0;
  private limit = Number.POSITIVE_INFINITY;
  private decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null = null;
  /** Wakes whoever waits for the body; the promise never rejects, so an unread failed body is no unhandled rejection. */
  private wake: (() => void) | null = null;
  private over: Promise<void> | null = null;
  private readonly onAbort = () => this.abort(this.signal!.reason);

  constructor(
    private readonly url: string,
    private readonly signal: AbortSignal | undefined,
    private readonly resolve: (response: PooledResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    // Aborted while it waited for a socket of the pool: it never goes out.
    if (this.state === 'failed') controller.abort(this.failure as Error);
  }

  onResponseStart(_controller: Controller, status: number, headers: IncomingHttpHeaders, statusText?: string): void {
    if (status < 200 || this.state !== 'head') return; // 1xx informational answers precede the real one, as fetch ignores them
    this.state = 'body';
    if (!NULL_BODY_STATUSES.has(status)) this.decoder = this.decoding(headers['content-encoding']);
    this.resolve(new PooledResponse(this, this.url, status, statusText ?? '', new ResponseHeaders(headers)));
  }

  onResponseData(_controller: Controller, chunk: Buffer): void {
    if (this.decoder) this.decoder.write(chunk);
    else this.take(chunk);
  }

  onResponseEnd(): void {
    if (this.decoder) this.decoder.end();
    else this.settle('ended');
  }

  onResponseError(_controller: Controller, error: Error): void {
    this.fail(error);
  }

  /** Reads the body whole unless it is (or declares itself) larger than `maxBytes`: then resolves false, having stopped it. */
  async readAtMost(maxBytes: number, declaredLength: string | null): Promise<boolean> {
    if (Number(declaredLength ?? Number.NaN) > maxBytes || this.received > maxBytes) this.refuse();
    else this.limit = maxBytes;
    await this.settled();
    if (this.state === 'failed') throw this.failure;
    return this.state === 'ended';
  }

  /** The body, once it is all there (rejects with what broke it: the signal's reason, a reset socket). */
  async bytes(): Promise<Buffer> {
    await this.settled();
    if (this.state === 'failed') throw this.failure;
    if (this.state === 'refused') throw new TypeError('The body was refused as too large.');
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.received);
  }

  private decoding(coding: string | string[] | undefined) {
    const decoder = decoderOf(coding);
    decoder?.on('data', (chunk: Buffer) => this.take(chunk));
    decoder?.on('end', () => this.settle('ended'));
    decoder?.on('error', (error) => this.abort(error));
    return decoder;
  }

  private take(chunk: Buffer): void {
    if (this.state !== 'body') return;
    this.received += chunk.byteLength;
    if (this.received > this.limit) this.refuse();
    else this.chunks.push(chunk);
  }

  /** Too large: nothing more is read or kept, and the connection is given up (undici destroys the socket). */
  private refuse(): void {
    if (this.state === 'ended') this.state = 'refused'; // all there already, but more than the bound: dropped all the same
    if (this.state === 'refused') this.chunks.length = 0;
    if (this.state !== 'body') return;
    this.chunks.length = 0;
    this.settle('refused');
    this.controller?.abort(new Error('subgraph response too large'));
  }

  private abort(reason: unknown): void {
    if (this.state !== 'head' && this.state !== 'body') return;
    this.fail(reason);
    this.controller?.abort(reason as Error);
  }

  private fail(error: unknown): void {
    if (this.state === 'head') {
      this.state = 'failed';
      this.failure = error;
      this.signal?.removeEventListener('abort', this.onAbort);
      this.reject(error);
    } else if (this.state === 'body') {
      this.chunks.length = 0;
      this.failure = error;
      this.settle('failed');
    }
  }

  private settle(state: 'ended' | 'refused' | 'failed'): void {
    if (this.state !== 'body') return;
    this.state = state;
    this.signal?.removeEventListener('abort', this.onAbort);
    if (state !== 'ended') this.decoder?.destroy();
    this.wake?.();
  }

  private settled(): Promise<void> {
    if (this.state !== 'body') return Promise.resolve();
    return (this.over ??= new Promise((resolve) => (this.wake = resolve)));
  }
}

/**
 * What `RemoteGraphQLDataSource` (ok, status, statusText, url, headers.get, json, text), the
 * response-size limit (readAtMost) and Tessera's peer calls and readiness probe read of a subgraph
 * answer, and no more. Reading the body twice fails as with fetch.
 */
export class PooledResponse implements FetcherResponse {
  readonly redirected = false;
  readonly ok: boolean;
  private used = false;

  constructor(
    private readonly call: PooledCall,
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    readonly headers: ResponseHeaders,
  ) {
    this.ok = status >= 200 && status <= 299;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  /** The response-size limit's way in (gateway/limits/subgraphResponseSize.ts): false when the body was refused. */
  readAtMost(maxBytes: number): Promise<boolean> {
    return this.call.readAtMost(maxBytes, this.headers.get('content-length'));
  }

  async text(): Promise<string> {
    const body = await this.consume();
    // Like fetch's text(): a UTF-8 byte order mark is not part of the text.
    return body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? body.toString('utf8', 3) : body.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const body = await this.consume();
    return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  }

  clone(): PooledResponse {
    if (this.used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new PooledResponse(this.call, this.url, this.status, this.statusText, this.headers);
  }

  private consume(): Promise<Buffer> {
    if (this.used) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.used = true;
    return this.call.bytes();
  }
}

/** A response's headers, read-only like a fetch response's; names case-insensitive, repeated fields joined with ", ". */
export class ResponseHeaders implements FetcherHeaders {
  constructor(private readonly fields: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.fields[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.fields[name.toLowerCase()] !== undefined;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.fields).sort()) yield [name, this.get(name)!];
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  append(): void {
    throw new TypeError('immutable');
  }

  delete(): void {
    throw new TypeError('immutable');
  }

  set(): void {
    throw new TypeError('immutable');
  }
}
