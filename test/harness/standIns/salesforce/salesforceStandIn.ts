/**
 * A local stand-in of the Salesforce REST API (a real HTTP server on port 0) answering the requests
 * the adapter makes, with the documented request and answer shapes:
 * - `POST /services/oauth2/token`, the JWT bearer flow: the assertion verified with the connected
 *   app's certificate (RS256, iss, sub, aud, exp); `{access_token, instance_url, token_type, ...}` or
 *   400 `{"error":"invalid_grant", ...}`
 *   (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm);
 * - `GET /services/data/vXX.X/query?q=` and `queryMore` through `nextRecordsUrl`, at a page size
 *   set per test (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm);
 * - `PATCH /sobjects/{object}/{externalIdField}/{value}`, the upsert: 201 `{id, success, errors, created: true}`,
 *   200 `{..., created: false}` (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm);
 * - `PATCH /sobjects/{object}/{id}`: 204 (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm);
 * - errors as lists `[{"message", "errorCode"}]`: INVALID_SESSION_ID (401), REQUEST_LIMIT_EXCEEDED (403),
 *   DUPLICATE_VALUE (400), NOT_FOUND (404), MALFORMED_QUERY (400)
 *   (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm);
 * - `Sforce-Limit-Info: api-usage=n/max` on every API answer
 *   (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm).
 * Faults are scripted per request (`failNext`), and tokens expire when a test says so: no timers.
 */
import http from 'node:http';
import type net from 'node:net';
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { parseSoql, matches, MalformedQuery, ordered } from './soqlEngine.ts';
import { DuplicateValue, ForeignKeyNotFound, SalesforceRecords, type Fields } from './records.ts';

export type StandInFault =
  /** Answered at once with this status (and `errorCode`, `Retry-After`), nothing done. */
  | { readonly kind: 'status'; readonly status: number; readonly errorCode?: string; readonly retryAfter?: string }
  /** Done, then the connection is cut before the answer: the client sees a broken connection. */
  | { readonly kind: 'lostAnswer' }
  /** Done, then never answered: the client's time-out decides. */
  | { readonly kind: 'hang' }
  /** The session expires just before this request: it is answered 401 INVALID_SESSION_ID. */
  | { readonly kind: 'expireToken' };

export interface StandInOptions {
  /** The connected app's certificate (PEM public key) assertions are verified with. */
  readonly publicKey: string;
  readonly consumerKey: string;
  readonly username: string;
  /** The External ID fields (unique per object). */
  readonly externalIdFields?: readonly string[];
  /** Records per query answer before `nextRecordsUrl`. @default 2000 */
  readonly pageSize?: number;
  /** The org's daily API request limit. @default 15000 */
  readonly apiLimit?: number;
  /** @default the system clock */
  readonly now?: () => Date;
}

const OUTAGE: StandInFault = { kind: 'status', status: 503 };

interface Scripted {
  readonly matches: (operation: string) => boolean;
  readonly fault: StandInFault;
}

export class SalesforceStandIn {
  readonly records: SalesforceRecords;
  /** Every API request received, by operation (`token`, `query`, `queryMore`, `upsert Opportunity`, `update Contract`), in order. */
  readonly calls: string[] = [];
  /** Every query answered (not its `queryMore` pages): the SOQL and how many records it answered (COUNT(): its count). */
  readonly queries: { readonly soql: string; readonly records: number }[] = [];
  /** While true the org is out: every API request after the session check is 503 SERVER_UNAVAILABLE, nothing done. */
  down = false;
  /** Tokens issued so far. */
  tokensIssued = 0;
  apiUsage = 0;
  readonly #options: StandInOptions;
  readonly #server: http.Server;
  readonly #sockets = new Set<net.Socket>();
  readonly #tokens = new Set<string>();
  readonly #cursors = new Map<string, { records: Fields[]; at: number }>();
  readonly #faults: Scripted[] = [];
  #url = '';

  private constructor(options: StandInOptions) {
    this.#options = options;
    this.records = new SalesforceRecords(
      options.externalIdFields ?? ['Tessera_Id__c', 'Tessera_Call_Key__c'],
      options.now ?? (() => new Date()),
    );
    this.#server = http.createServer((request, response) => {
      void this.#handle(request, response);
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(options: StandInOptions): Promise<SalesforceStandIn> {
    const standIn = new SalesforceStandIn(options);
    await new Promise<void>((resolve) => standIn.#server.listen(0, '127.0.0.1', resolve));
    standIn.#url = `http://127.0.0.1:${(standIn.#server.address() as net.AddressInfo).port}`;
    return standIn;
  }

  /** The login URL and the instance URL (one server plays both). */
  get url(): string {
    return this.#url;
  }

  /** Scripts the next request whose operation matches to answer as `fault`. */
  failNext(operation: string | ((operation: string) => boolean), fault: StandInFault): void {
    this.#faults.push({ matches: typeof operation === 'string' ? (op) => op === operation : operation, fault });
  }

  /** Every issued access token stops being valid (a session timeout, a revoked token). */
  expireTokens(): void {
    this.#tokens.clear();
  }

  count(object: string, where: (record: Fields) => boolean = () => true): number {
    return [...this.records.table(object).values()].filter(where).length;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', this.#url);
    if (request.method === 'POST' && url.pathname === '/services/oauth2/token') return this.#token(body, response);
    const route = /^\/services\/data\/(v\d+\.\d)\/(query(?:\/([^/]+))?|sobjects\/([^/]+)\/([^/]+)(?:\/([^/]+))?)$/.exec(url.pathname);
    if (!route) return send(response, 404, [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    const [, version, , locator, object, fieldOrId, value] = route;
    const operation = object ? `${value !== undefined ? 'upsert' : 'update'} ${object}` : locator ? 'queryMore' : 'query';
    this.calls.push(operation);

    const expiring = this.#faults.findIndex((scripted) => scripted.fault.kind === 'expireToken' && scripted.matches(operation));
    if (expiring !== -1) {
      this.#faults.splice(expiring, 1);
      this.expireTokens();
    }
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!token || !this.#tokens.has(token))
      return send(response, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    this.apiUsage += 1;
    const limit = this.#options.apiLimit ?? 15_000;
    response.setHeader('Sforce-Limit-Info', `api-usage=${this.apiUsage}/${limit}`);
    if (this.apiUsage > limit)
      return send(response, 403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);

    // An outage answers everything 503 and keeps the scripted faults for after it.
    const index = this.#faults.findIndex((scripted) => scripted.fault.kind !== 'expireToken' && scripted.matches(operation));
    const fault = this.down ? OUTAGE : index === -1 ? null : this.#faults.splice(index, 1)[0]!.fault;
    if (fault?.kind === 'status') {
      if (fault.retryAfter) response.setHeader('Retry-After', fault.retryAfter);
      return send(response, fault.status, [
        { message: `stand-in fault ${fault.status}`, errorCode: fault.errorCode ?? 'SERVER_UNAVAILABLE' },
      ]);
    }
    const apiPath = `/services/data/${version}`;
    let status: number;
    let answer: unknown;
    try {
      if (request.method === 'GET' && !object) [status, answer] = this.#query(locator ?? null, url.searchParams.get('q'), apiPath);
      else if (request.method === 'PATCH' && object)
        [status, answer] = this.#patch(object, fieldOrId!, value ?? null, JSON.parse(body) as Fields);
      else [status, answer] = [405, [{ message: 'Method not allowed', errorCode: 'METHOD_NOT_ALLOWED' }]];
    } catch (error) {
      if (error instanceof MalformedQuery) [status, answer] = [400, [{ message: error.message, errorCode: 'MALFORMED_QUERY' }]];
      else if (error instanceof DuplicateValue)
        [status, answer] = [400, [{ message: error.message, errorCode: 'DUPLICATE_VALUE', fields: [] }]];
      else if (error instanceof ForeignKeyNotFound)
        [status, answer] = [400, [{ message: error.message, errorCode: 'INVALID_FIELD', fields: [] }]];
      else throw error;
    }
    if (fault?.kind === 'lostAnswer') {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') return; // the socket is destroyed when the client gives up, or at stop()
    send(response, status, answer);
  }

  #token(body: string, response: http.ServerResponse): void {
    this.calls.push('token');
    const form = new URLSearchParams(body);
    const index = this.#faults.findIndex((scripted) => scripted.matches('token'));
    if (index !== -1) {
      const fault = this.#faults.splice(index, 1)[0]!.fault;
      if (fault.kind === 'status') return send(response, fault.status, { error: 'server_error', error_description: 'stand-in fault' });
    }
    try {
      if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') throw new Error('unsupported grant type');
      jwt.verify(form.get('assertion') ?? '', this.#options.publicKey, {
        algorithms: ['RS256'],
        issuer: this.#options.consumerKey,
        subject: this.#options.username,
        audience: this.#url,
      });
    } catch {
      return send(response, 400, { error: 'invalid_grant', error_description: 'invalid assertion' });
    }
    const token = `00D5g000000STAND!${randomBytes(24).toString('base64url')}`;
    this.#tokens.add(token);
    this.tokensIssued += 1;
    send(response, 200, {
      access_token: token,
      scope: 'api',
      instance_url: this.#url,
      id: `${this.#url}/id/00D5g000000STAND/0055g000000STAND`,
      token_type: 'Bearer',
    });
  }

  #query(locator: string | null, soql: string | null, apiPath: string): [number, unknown] {
    const pageSize = this.#options.pageSize ?? 2000;
    let cursor: { records: Fields[]; at: number };
    if (locator) {
      const found = this.#cursors.get(locator);
      if (!found) return [400, [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]];
      cursor = found;
    } else {
      const query = parseSoql(soql ?? '');
      const value = (record: Fields) => (path: string) => this.records.valueAt(query.object, record, path);
      let rows = [...this.records.table(query.object).values()].filter((record) => !query.where || matches(query.where, value(record)));
      if (query.count) {
        // COUNT(): the count is the answer's totalSize, with no records.
        this.queries.push({ soql: soql ?? '', records: rows.length });
        return [200, { totalSize: rows.length, done: true, records: [] }];
      }
      rows = ordered(rows, query.orderBy, (record, field) => value(record)(field));
      if (query.limit !== null) rows = rows.slice(0, query.limit);
      this.queries.push({ soql: soql ?? '', records: rows.length });
      cursor = { records: rows.map((record) => this.records.project(query.object, record, query.fields, apiPath)), at: 0 };
    }
    const page = cursor.records.slice(cursor.at, cursor.at + pageSize);
    const at = cursor.at + page.length;
    const done = at >= cursor.records.length;
    const answer: Record<string, unknown> = { totalSize: cursor.records.length, done, records: page };
    if (!done) {
      const next = `01gRO0000016PIA${randomBytes(3).toString('hex')}-${at}`;
      this.#cursors.set(next, { records: cursor.records, at });
      answer.nextRecordsUrl = `${apiPath}/query/${next}`;
    }
    return [200, answer];
  }

  #patch(object: string, fieldOrId: string, value: string | null, body: Fields): [number, unknown] {
    if (value === null) {
      const existing = this.records.table(object).get(fieldOrId);
      if (!existing) return [404, [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]];
      this.records.write(object, body, existing);
      return [204, null];
    }
    const externalValue = decodeURIComponent(value);
    const existing = this.records.findBy(object, fieldOrId, externalValue);
    const record = this.records.write(object, { ...body, [fieldOrId]: externalValue }, existing);
    return [existing ? 200 : 201, { id: record.Id, success: true, errors: [], created: !existing }];
  }
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  if (status === 204 || body === null) {
    response.writeHead(status).end();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' }).end(JSON.stringify(body));
}
