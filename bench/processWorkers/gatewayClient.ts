/**
 * The people of the saga benchmark (bench/sagas.ts) as the gateway sees them: GraphQL over HTTP with
 * their own tokens, and the calls a sales rep, an approver and a signature integration make.
 */

export interface GraphqlClient {
  /** Runs `query` as `token`; throws on a transport error or a GraphQL error. */
  <Data>(token: string, query: string, variables?: Record<string, unknown>): Promise<Data>;
}

export function graphqlClient(url: string): GraphqlClient {
  return async <Data>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<Data> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Data; errors?: { message: string }[] };
    if (body.errors?.length || !body.data)
      throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
    return body.data;
  };
}

export interface Payload {
  readonly userErrors: readonly { code: string; message: string }[];
}

/** The payload of a capability, or an error naming its first userError. */
export function succeeded<P extends Payload>(what: string, payload: P): P {
  const [error] = payload.userErrors;
  if (error) throw new Error(`${what}: ${error.code}: ${error.message}`);
  return payload;
}

export interface TemplateOpportunity {
  readonly id: string;
  readonly account: { id: string; creditHold: boolean };
  readonly legalEntity: { id: string };
  readonly amount: { currency: string };
  readonly closeDate: string;
  readonly lines: readonly {
    serviceOffering: string;
    billingMethod: string;
    amount: { amount: string };
    estimatedHours: string | null;
    startDate: string;
    endDate: string;
    roleId: string | null;
  }[];
}

export const TEMPLATES = `query ($after: String) {
  opportunities(first: 100, after: $after) {
    nodes { id stage account { id creditHold } legalEntity { id } amount { currency } closeDate
      lines { serviceOffering billingMethod amount { amount } estimatedHours startDate endDate roleId } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const CREATE_OPPORTUNITY = `mutation ($input: CreateOpportunityInput!) {
  createOpportunity(input: $input) { opportunity { id aggregateVersion } userErrors { code message } }
}`;

export const MOVE_OPPORTUNITY = `mutation ($input: UpdateOpportunityStageInput!) {
  updateOpportunityStage(input: $input) { opportunity { id aggregateVersion } userErrors { code message } }
}`;

export const WIN_OPPORTUNITY = `mutation ($input: CloseWinOpportunityInput!) {
  closeWinOpportunity(input: $input) { opportunity { id aggregateVersion } userErrors { code message } }
}`;

/** The contracts waiting for a person: approval, then signature. */
export const WORKLIST = `query ($after: String) {
  contracts(filter: { status: [IN_APPROVAL, APPROVED] }, first: 100, after: $after) {
    nodes { id status aggregateVersion opportunity { id } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const APPROVE_CONTRACT = `mutation ($input: ContractTransitionInput!) {
  approveContract(input: $input) { contract { id status } userErrors { code message } }
}`;

export const SIGN_CONTRACT = `mutation ($input: RecordContractSignatureInput!) {
  recordContractSignature(input: $input) { contract { id status } userErrors { code message } }
}`;

export interface Page<Node> {
  readonly nodes: readonly Node[];
  readonly pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every node of a paged query (`$after`). */
export async function allPages<Node>(fetchPage: (after: string | null) => Promise<Page<Node>>): Promise<Node[]> {
  const nodes: Node[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Page<Node> = await fetchPage(after);
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

/** Runs `work` over `items`, `concurrency` at a time. */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
