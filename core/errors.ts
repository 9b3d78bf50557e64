/**
 * The error-code catalog: every code a client can see, with the HTTP status it implies when it
 * is the reason a whole request fails. Field-level errors (partial data) keep HTTP 200.
 * Constructors always set `extensions.code`; nothing else in the code base invents codes.
 */
import { GraphQLError, type GraphQLErrorOptions } from 'graphql';

/**
 * What a client should do about a code: send the same request again later (`retry`), change the
 * request (`fix`), read the record again and decide anew (`refetch`), or stop (`stop`).
 */
export type ClientAction = 'retry' | 'fix' | 'refetch' | 'stop';

export const ERROR_CODES = {
  // Request errors: the whole request fails with this HTTP status.
  BAD_REQUEST: { status: 400, action: 'fix', meaning: 'The HTTP request itself is unusable: bad JSON, missing query, bad parameters.' },
  GRAPHQL_PARSE_FAILED: { status: 400, action: 'fix', meaning: 'The query text does not parse.' },
  GRAPHQL_VALIDATION_FAILED: {
    status: 400,
    action: 'fix',
    meaning: 'The query does not validate against the schema (unknown field, wrong argument).',
  },
  BAD_USER_INPUT: { status: 400, action: 'fix', meaning: 'A variable or argument has a wrong type or value.' },
  OPERATION_RESOLUTION_FAILURE: { status: 400, action: 'fix', meaning: 'The operation name does not select an operation of the document.' },
  SUBSCRIPTION_NOT_SUPPORTED: {
    status: 400,
    action: 'fix',
    meaning: 'Subscriptions are not served: the gateway answers queries and mutations over HTTP.',
  },
  OPERATION_LIMIT_EXCEEDED: {
    status: 400,
    action: 'fix',
    meaning:
      'The operation exceeds a shape limit (depth, height, aliases, root fields, tokens, directives, expanded fields); the error names it.',
  },
  COST_ESTIMATED_TOO_EXPENSIVE: {
    status: 400,
    action: 'fix',
    meaning:
      "The operation's estimated cost (`extensions.cost`) is over the client's budget (`extensions.max`): ask for fewer items or fields.",
  },
  OPERATION_TIMEOUT: {
    status: 504,
    action: 'retry',
    meaning: 'The operation did not finish within the execution timeout; its subgraph calls were stopped. Retry later, or ask for less.',
  },
  PERSISTED_QUERY_NOT_SUPPORTED: { status: 400, action: 'fix', meaning: 'Automatic persisted queries are off: send the full query text.' },
  // HTTP 200, as Apollo Server answers it: Apollo clients turn persisted queries off for good on a 400.
  PERSISTED_QUERY_NOT_FOUND: {
    status: 200,
    action: 'fix',
    meaning:
      'The persisted operation id is unknown (message `PersistedQueryNotFound`): send the query text with the hash to register it (APQ).',
  },
  OPERATION_NOT_ALLOWED: {
    status: 403,
    action: 'stop',
    meaning: 'The client must use persisted operations and this operation is not in its safelist (free text, or an APQ-registered one).',
  },
  METHOD_NOT_ALLOWED: { status: 405, action: 'fix', meaning: 'Mutations over GET, or a method other than GET/POST. Use POST.' },
  NOT_ACCEPTABLE: { status: 406, action: 'fix', meaning: 'The Accept header allows no media type the server can produce.' },
  PAYLOAD_TOO_LARGE: { status: 413, action: 'fix', meaning: 'The request body is larger than the configured limit.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, action: 'fix', meaning: 'The request body is not JSON. Send `Content-Type: application/json`.' },
  UNAUTHENTICATED: {
    status: 401,
    action: 'fix',
    meaning: 'No verified principal: the token is missing, expired or not trusted. Get a new token.',
  },
  FORBIDDEN: { status: 403, action: 'stop', meaning: 'The principal may not see or do this (scope or policy).' },
  NOT_FOUND: { status: 404, action: 'stop', meaning: 'The record does not exist, or the principal may not know it exists.' },
  IDEMPOTENCY_KEY_REQUIRED: {
    status: 400,
    action: 'fix',
    meaning:
      'A mutation needs an idempotency key: the `idempotencyKey` input field or the `Idempotency-Key` header (one mutation per request).',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    action: 'fix',
    meaning:
      'The key was already used for a different request (other input or capability version). ' +
      'Use a new key for a new request; resend the original request to get its stored result.',
  },
  IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    action: 'retry',
    meaning: 'A request with the same key is still running. Retry the same request later: it will be replayed.',
  },
  RATE_LIMITED: {
    status: 429,
    action: 'retry',
    meaning:
      'The client is over a rate limit, a capability limit or its cap on requests in flight (`extensions.limit`). Retry after `Retry-After` seconds.',
  },
  CAPABILITY_SUNSET: {
    status: 410,
    action: 'fix',
    meaning: 'The capability version is past its sunset date. Move to the version named in the message.',
  },
  DOWNSTREAM_UNAVAILABLE: {
    status: 503,
    action: 'retry',
    meaning: 'A system of record a capability needs did not answer; nothing was written. Retry the same request (same key) later.',
  },
  SUBGRAPH_RESPONSE_TOO_LARGE: {
    status: 502,
    action: 'fix',
    meaning: 'A subgraph answered with more bytes than the limit; the message names the subgraph and the limit. Ask for fewer items.',
  },
  SUBGRAPH_UNAVAILABLE: {
    status: 502,
    action: 'retry',
    meaning: 'A subgraph did not answer; the rest of the response is valid. Retry later (reads only).',
  },
  SUBGRAPH_ERROR: {
    status: 502,
    action: 'stop',
    meaning:
      "A subgraph that is not Tessera's own answered with an error; `extensions.subgraph` names it. The rest of the response is valid.",
  },
  REGISTRY_UNKNOWN_SUBGRAPH: {
    status: 404,
    action: 'fix',
    meaning: 'The schema registry has no subgraph of that name (`tessera registry history` lists them).',
  },
  REGISTRY_INVALID_SDL: {
    status: 400,
    action: 'fix',
    meaning: 'The SDL does not parse or is not a valid subgraph schema; the message names the line and the problem.',
  },
  REGISTRY_NOT_FEDERATION_2: {
    status: 400,
    action: 'fix',
    meaning: 'The SDL is not a Federation 2 subgraph: add `extend schema @link(url: "https://specs.apollo.dev/federation/v2.x", ...)`.',
  },
  REGISTRY_INVALID_URL: { status: 400, action: 'fix', meaning: 'The routing URL is not an absolute http(s) URL.' },
  REGISTRY_SDL_TOO_LARGE: {
    status: 413,
    action: 'fix',
    meaning: 'The SDL is larger than the registry accepts (TESSERA_REGISTRY_MAX_SDL_BYTES).',
  },
  REGISTRY_CHECK_FAILED: {
    status: 422,
    action: 'fix',
    meaning: 'The proposed schema failed a registry check; nothing was published. The report names each finding and what to do.',
  },
  REGISTRY_VERSION_NOT_FOUND: { status: 404, action: 'fix', meaning: 'The subgraph has no published version of that number.' },
  REGISTRY_UNKNOWN_CONTRACT: { status: 404, action: 'fix', meaning: 'The schema registry has no contract of that name.' },
  REGISTRY_INVALID_CONTRACT: {
    status: 400,
    action: 'fix',
    meaning: 'A contract name is lower-case letters, digits and dashes, starting with a letter (it is a URL path segment).',
  },
  REGISTRY_CONTRACT_EXISTS: { status: 409, action: 'stop', meaning: 'A contract of that name already exists.' },
  REGISTRY_NO_SUPERGRAPH: {
    status: 503,
    action: 'retry',
    meaning: 'Nothing has been composed yet: no supergraph to serve until every subgraph is published (`npm start` publishes `schema/`).',
  },
  REGISTRY_INVALID_MANIFEST: {
    status: 400,
    action: 'fix',
    meaning:
      'The persisted-operation manifest is malformed (format, version, an id that is not the SHA-256 of its body); the message says where.',
  },
  REGISTRY_INVALID_OPERATION: {
    status: 422,
    action: 'fix',
    meaning:
      'An operation of the manifest does not validate against the current supergraph; the message names it and the error. Nothing was stored.',
  },
  REGISTRY_PUBLISH_CONFLICT: {
    status: 409,
    action: 'retry',
    meaning: 'Other publishes to the subgraph kept landing while this one was checked; nothing was published. Retry.',
  },
  INTERNAL_SERVER_ERROR: {
    status: 500,
    action: 'retry',
    meaning: 'A bug or an outage inside Tessera; nothing was written. Details are in the server log under the request id.',
  },

  // Business-rule codes: they come back in a capability payload's `userErrors` (HTTP 200), are
  // stored under the idempotency key and replayed. `status` is what they would mean over HTTP.
  VERSION_CONFLICT: {
    status: 409,
    action: 'refetch',
    meaning: "`expectedVersion` is not the record's current `aggregateVersion`: it changed since it was read.",
  },
  INVALID_STATE_TRANSITION: {
    status: 409,
    action: 'refetch',
    meaning: "The record's state does not allow this transition (the message names from and to).",
  },
  ALREADY_IN_STATE: { status: 200, action: 'stop', meaning: 'A warning: the record already is in the target state; nothing changed.' },
  PRECONDITION_FAILED: {
    status: 422,
    action: 'fix',
    meaning: 'A precondition of the capability is not met (the message says which); fix the data or the input.',
  },
  PERIOD_CLOSED: {
    status: 422,
    action: 'fix',
    meaning: 'The accounting period of the date is not open for the legal entity. Use a date in an open period.',
  },
  LEGAL_ENTITY_MISMATCH: {
    status: 422,
    action: 'stop',
    meaning: 'Records of different legal entities were combined (invoice, contract, project).',
  },
  LEGAL_ENTITY_INACTIVE: { status: 422, action: 'stop', meaning: 'The legal entity is not active.' },
  CUSTOMER_NOT_ENABLED_IN_LEGAL_ENTITY: {
    status: 422,
    action: 'fix',
    meaning: 'The customer has no billing profile in the legal entity. Have finance create one, then retry with a new key.',
  },
  CUSTOMER_ON_CREDIT_HOLD: {
    status: 422,
    action: 'stop',
    meaning: 'The customer is on credit hold in the legal entity: billing is blocked.',
  },
  TAX_PROFILE_UNRESOLVED: { status: 422, action: 'fix', meaning: 'No tax profile applies (customer or legal entity).' },
  PAYMENT_TERMS_MISSING: {
    status: 422,
    action: 'fix',
    meaning: 'No payment terms: give them in the input or on the customer billing profile.',
  },
  RATE_CARD_NOT_EFFECTIVE: { status: 422, action: 'fix', meaning: 'No rate card line is effective for the role at the date.' },
  MILESTONES_DO_NOT_SUM: {
    status: 422,
    action: 'fix',
    meaning: 'The milestones of a fixed-fee line do not sum exactly to the line amount.',
  },
  CONTRACT_NOT_SIGNED: { status: 422, action: 'stop', meaning: 'The contract is not signed.' },
  CONTRACT_NOT_ACTIVE: { status: 422, action: 'stop', meaning: 'The contract is not active (draft, suspended, cancelled...).' },
  CONTRACT_ALREADY_EXISTS: { status: 409, action: 'stop', meaning: 'The opportunity already has a live contract.' },
  PO_REQUIRED: { status: 422, action: 'fix', meaning: 'The contract requires a purchase order number.' },
  NTE_EXCEEDED: { status: 422, action: 'stop', meaning: "Billing this would exceed the contract line's not-to-exceed amount." },
  CONTRACT_LINES_DO_NOT_SUM: {
    status: 422,
    action: 'fix',
    meaning: "The contract's billing lines (amounts and not-to-exceed caps) do not sum exactly to the contract value.",
  },
  AMENDMENT_BELOW_BILLED: {
    status: 422,
    action: 'fix',
    meaning: 'The amendment would set a line, or the contract value, below what is already billed or on draft (or recognized).',
  },
  AMENDMENT_PENDING: {
    status: 409,
    action: 'stop',
    meaning: 'The contract has an amendment awaiting approval: it is approved, rejected or withdrawn before another is proposed.',
  },
  AMENDMENT_NOT_PROPOSER: {
    status: 403,
    action: 'stop',
    meaning: 'Only who proposed an amendment withdraws it; an approver rejects it instead.',
  },
  OVERBOOKED: { status: 422, action: 'fix', meaning: 'Confirming would book the resource beyond capacity on some day.' },
  TIME_DAILY_LIMIT_EXCEEDED: {
    status: 422,
    action: 'fix',
    meaning: "The entry would take the person's hours on its date beyond 24, counting their time on every project.",
  },
  TIME_WEEKLY_LIMIT_EXCEEDED: {
    status: 422,
    action: 'fix',
    meaning:
      "The entry would take the person's hours in the week beyond the weekly maximum (TESSERA_TIME_WEEKLY_MAX_HOURS), across projects.",
  },
  TIME_IN_FUTURE: {
    status: 422,
    action: 'fix',
    meaning: 'The work date is later than the future-time window allows (TESSERA_TIME_FUTURE_DAYS after today, UTC).',
  },
  HOUR_CLASS_CONFLICT: {
    status: 422,
    action: 'fix',
    meaning: 'The hour class contradicts the deprecated `billable` flag, or the class is BILLABLE on an assignment that bills nothing.',
  },
  INTERCOMPANY_NOT_ENABLED: {
    status: 422,
    action: 'stop',
    meaning: 'The resource works for another legal entity and intercompany is not enabled.',
  },
  NOTHING_TO_BILL: { status: 422, action: 'stop', meaning: 'No billable source is ready to bill up to the cut-off date.' },
  BILLING_ON_HOLD: {
    status: 422,
    action: 'stop',
    meaning: 'The project is on billing hold: nothing of it is drafted until the hold is released (releaseBillingHold).',
  },
  PROJECT_HAS_OPEN_WORK: {
    status: 409,
    action: 'fix',
    meaning:
      'The project still has work to approve or bill (the message lists each kind, how many and what value): approve and bill it, or write it off, then close.',
  },
  PROJECT_HAS_RECORDED_WORK: {
    status: 409,
    action: 'stop',
    meaning: 'Work was recorded on the project (the message lists it): a project with work is closed once billed, never cancelled.',
  },
  PROJECT_NOT_BILLABLE: {
    status: 422,
    action: 'fix',
    meaning: 'The project bills no customer (internal, presales, or without a contract): submit the record as not billable.',
  },
  BILLING_RUN_IN_PROGRESS: {
    status: 409,
    action: 'retry',
    meaning: 'A billing run of the legal entity and cut-off is still running; wait for it to finish (billingRun shows it).',
  },
  SOURCE_ALREADY_BILLED: {
    status: 409,
    action: 'stop',
    meaning: 'A billable source is already claimed by another draft or invoice (no double billing).',
  },
  ALREADY_CREDITED: {
    status: 409,
    action: 'stop',
    meaning: 'The invoice line (and the source it billed) is already credited by a credit memo: a line is credited once.',
  },
  CREDIT_BY_LINES_REQUIRED: {
    status: 422,
    action: 'fix',
    meaning:
      'The invoice was posted from a PSA billing draft: an amount credit would leave its sources billed in the PSA. Credit its lines (creditInvoiceLines) or void it (voidInvoice).',
  },
  AMOUNT_EXCEEDS_OPEN_BALANCE: {
    status: 422,
    action: 'fix',
    meaning: 'The amount is larger than what is open (invoice due, payment unapplied, credit-able).',
  },
  CURRENCY_MISMATCH: { status: 422, action: 'stop', meaning: 'The currencies of the records differ.' },
  DUPLICATE_PAYMENT: { status: 409, action: 'stop', meaning: 'A payment with this bank reference is already recorded.' },
  SEGREGATION_OF_DUTIES: {
    status: 403,
    action: 'stop',
    meaning: 'The approver may not approve their own (or their own submitted) record; another person must.',
  },
  LOSS_REASON_REQUIRED: { status: 422, action: 'fix', meaning: 'Closing an opportunity as lost needs a loss reason.' },
  MONEY_PRECISION: {
    status: 422,
    action: 'fix',
    meaning: 'An amount has more decimals than its currency allows (or hours more than two), or is too large to be exact.',
  },
  IMMUTABLE_FINANCIAL_RECORD: {
    status: 409,
    action: 'stop',
    meaning: 'Posted financial records are never changed; use a reversal document (credit memo).',
  },
  OPEN_OPPORTUNITY_NOT_MERGED: {
    status: 409,
    action: 'stop',
    meaning:
      'An open opportunity is never absorbed by a merge: keep both deals under the account, or close the duplicate in its CRM first.',
  },
} as const satisfies Record<string, { status: number; action: ClientAction; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** A GraphQLError that always carries a catalog code. */
export function tesseraError(code: ErrorCode, message: string, options: GraphQLErrorOptions = {}): GraphQLError {
  return new GraphQLError(message, { ...options, extensions: { ...options.extensions, code } });
}

export function notFound(typeName: string, id: string): GraphQLError {
  return tesseraError('NOT_FOUND', `${typeName} ${JSON.stringify(id)} was not found.`);
}

export function badUserInput(message: string, argument?: string): GraphQLError {
  return tesseraError('BAD_USER_INPUT', message, argument ? { extensions: { argument } } : {});
}
