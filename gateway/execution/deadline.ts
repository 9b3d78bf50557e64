import { HttpRequestError } from '../../core/http/graphqlParams.ts';

/**
 * The reason a request's signal aborts when its client closed the connection before the answer
 * (docs/demand-control.md#client-disconnect). Nobody is left to answer; the access log records 499.
 */
export class ClientClosedRequest extends Error {
  constructor() {
    super('The client closed the connection before the answer.');
    this.name = 'ClientClosedRequest';
  }
}

/** The access-log status of a request whose client went away (nginx's convention; never sent). */
export const CLIENT_CLOSED_STATUS = 499;

export interface DeadlineOptions {
  /** Aborts when the client goes away (the HTTP layer's, one per request). */
  readonly client: AbortSignal;
  /** `TESSERA_EXECUTION_TIMEOUT_MS`. */
  readonly timeoutMs: number;
  /** Told when the deadline passes (the `tessera_limit_refusals_total{limit="timeout"}` counter). */
  readonly onTimeout?: (() => void) | undefined;
}

/**
 * Runs one operation under a deadline (docs/demand-control.md#execution-timeout). `work` receives
 * the operation's signal, which aborts when the client goes away or when `timeoutMs` passes: it
 * is the request scope's `signal`, so every subgraph call in flight is aborted and none starts
 * afterwards. The returned promise settles at the first of the three: the work's answer; an
 * OPERATION_TIMEOUT `HttpRequestError` (504) when the deadline passes; a `ClientClosedRequest`
 * when the client went away. The work is not awaited after an abort: its aborted calls end it.
 */
export function withDeadline<T>(options: DeadlineOptions, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const operation = new AbortController();
  const { client, timeoutMs } = options;
  if (client.aborted) return Promise.reject(new ClientClosedRequest());
  return new Promise<T>((resolve, reject) => {
    const abort = (reason: Error) => {
      settle();
      operation.abort(reason);
      reject(reason);
    };
    const onClientGone = () => abort(new ClientClosedRequest());
    const timer = setTimeout(() => {
      options.onTimeout?.();
      const message = `The operation did not finish within ${timeoutMs} ms (TESSERA_EXECUTION_TIMEOUT_MS); its subgraph calls were stopped.`;
      abort(new HttpRequestError('OPERATION_TIMEOUT', message));
    }, timeoutMs);
    const settle = () => {
      clearTimeout(timer);
      client.removeEventListener('abort', onClientGone);
    };
    client.addEventListener('abort', onClientGone, { once: true });
    work(operation.signal).then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}

/**
 * The signal of one HTTP request's client: it aborts (with `ClientClosedRequest`) when the
 * connection closes before the response was written in full, and never after.
 */
export function clientSignal(response: {
  once(event: 'close', listener: () => void): unknown;
  readonly writableFinished: boolean;
}): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort(new ClientClosedRequest());
  });
  return controller.signal;
}
