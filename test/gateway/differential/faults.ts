/**
 * Subgraph faults for the differential suite (issue 14 "Correctness is not traded"), stated by what
 * they mean rather than by the shape of one request, so that both executors meet the same fault
 * however they batch their fetches: a resolver that throws or answers null for the parents a
 * predicate picks (the subgraph then reports the error at its own path, `_entities.1.price` or
 * `product.name`, whichever request asked), or a whole answer that is replaced (top-level errors,
 * a response key nulled wherever it appears, a 500, a body that is not JSON, a subgraph that is down).
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { connectionRefused } from '../../harness/subgraphOutage.ts';

/** The parent object a resolver receives, as the fixture's resolvers build it. */
export type Parent = Record<string, unknown>;

/** Which parents of a field fault fail, and how to say so in a failure message. */
export interface Where {
  readonly which: string;
  picks(parent: Parent): boolean;
}

export interface FieldFault {
  readonly subgraph: string;
  /** `Type.field` of that subgraph's schema. */
  readonly coordinate: string;
  /** Which parents fail. @default every parent */
  readonly where?: Where | undefined;
  /** A GraphQL error the resolver throws; without it the resolver answers null. */
  readonly error?: { readonly message: string; readonly extensions?: Record<string, unknown> } | undefined;
}

/** What a subgraph answers instead of (or on top of) executing the request. */
export type Answer =
  /** Executes the request, then adds these errors (no path: top-level errors beside the data). */
  | { readonly kind: 'errors'; readonly errors: readonly GraphQLFormattedError[] }
  /** Executes the request, then sets every property with this response key to null (a non-null field answered null). */
  | { readonly kind: 'nullKey'; readonly key: string }
  /** This JSON body with status 200, the request not executed. */
  | { readonly kind: 'body'; readonly body: unknown }
  /** This status, with a JSON errors body (or `text` as text/plain). */
  | { readonly kind: 'status'; readonly status: number; readonly text?: string }
  /** 200 with an HTML page. */
  | { readonly kind: 'notJson' }
  /** fetch throws as it does when nothing listens. */
  | { readonly kind: 'down' };

export interface AnswerFault {
  readonly subgraph: string;
  /** Only entity fetches (`_entities`) or only the others. @default both */
  readonly only?: 'entities' | 'root' | undefined;
  readonly answer: Answer;
}

export type Fault = FieldFault | AnswerFault;

/** `coordinate` of `subgraph` throws `message` (with `extensions`) for the parents `where` picks. */
export function fieldThrows(
  subgraph: string,
  coordinate: string,
  message: string,
  where?: FieldFault['where'],
  extensions?: Record<string, unknown>,
): FieldFault {
  return { subgraph, coordinate, where, error: { message, extensions } };
}

/** `coordinate` of `subgraph` resolves to null for the parents `where` picks. */
export function fieldNull(subgraph: string, coordinate: string, where?: FieldFault['where']): FieldFault {
  return { subgraph, coordinate, where };
}

export function answers(subgraph: string, answer: Answer, only?: AnswerFault['only']): AnswerFault {
  return { subgraph, answer, only };
}

/** Parents whose `key` is one of `values`: the usual `where`. */
export function whereKey(key: string, ...values: unknown[]): Where {
  return { which: `${key} in ${JSON.stringify(values)}`, picks: (parent) => values.includes(parent[key]) };
}

/** The faults of one comparison, consulted by every resolver and every subgraph fetch of both gateways. */
export class ActiveFaults {
  private faults: readonly Fault[] = [];

  set(faults: readonly Fault[]): void {
    this.faults = faults;
  }

  /** What the resolver of `Type.field` of `subgraph` does for `parent` instead of resolving: throw, null, or nothing. */
  fieldFault(subgraph: string, coordinate: string, parent: Parent): FieldFault | undefined {
    return this.faults.find(
      (fault): fault is FieldFault =>
        'coordinate' in fault && fault.subgraph === subgraph && fault.coordinate === coordinate && (fault.where?.picks(parent) ?? true),
    );
  }

  /** The answer fault of a request to `subgraph`, if any. */
  answerFault(subgraph: string, query: string): Answer | undefined {
    const entities = query.includes('_entities');
    return this.faults.find(
      (fault): fault is AnswerFault =>
        'answer' in fault && fault.subgraph === subgraph && (fault.only === undefined || (fault.only === 'entities') === entities),
    )?.answer;
  }
}

/** Throws the field fault's error, or gives its null. */
export function applyFieldFault(fault: FieldFault): null {
  if (fault.error) throw new GraphQLError(fault.error.message, { extensions: fault.error.extensions });
  return null;
}

/** The HTTP answer for `answer`, given how the request would have been answered (`execute`). */
export async function answerWith(answer: Answer, execute: () => Promise<Record<string, unknown>>): Promise<Response> {
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  switch (answer.kind) {
    case 'errors': {
      const result = await execute();
      return json({ ...result, errors: [...((result.errors as unknown[] | undefined) ?? []), ...answer.errors] });
    }
    case 'nullKey':
      return json(nullKey(await execute(), answer.key));
    case 'body':
      return json(answer.body);
    case 'status':
      return answer.text === undefined
        ? json({ errors: [{ message: `status ${answer.status}` }] }, answer.status)
        : new Response(answer.text, { status: answer.status, headers: { 'content-type': 'text/plain' } });
    case 'notJson':
      return new Response('<html><body>502 Bad Gateway</body></html>', { status: 200, headers: { 'content-type': 'text/html' } });
    case 'down':
      throw connectionRefused();
  }
}

/** `value` with every property named `key` below `data` set to null. */
function nullKey(value: Record<string, unknown>, key: string): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node).map(([name, child]) => [name, name === key ? null : walk(child)]));
  };
  return { ...value, data: walk(value.data) };
}
