/** The two response media types of GraphQL over HTTP. */
export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
export const APPLICATION_JSON = 'application/json';
export type ResponseMediaType = typeof GRAPHQL_RESPONSE_JSON | typeof APPLICATION_JSON;

interface Range {
  type: string;
  q: number;
  order: number;
}

function parseAccept(header: string): Range[] {
  return header.split(',').flatMap((part, order) => {
    const [type, ...params] = part
      .trim()
      .split(';')
      .map((piece) => piece.trim());
    if (!type) return [];
    const q = params.find((param) => param.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    return [{ type: type.toLowerCase(), q: Number.isFinite(weight) ? weight : 0, order }];
  });
}

/**
 * Content negotiation (GraphQL over HTTP, "Accept"): the client's most preferred of the two
 * media types; `application/json` when the header is missing or only has wildcards (what
 * legacy clients expect); null when nothing acceptable is offered (406).
 */
export function negotiateMediaType(accept: string | undefined | null): ResponseMediaType | null {
  if (!accept || !accept.trim()) return APPLICATION_JSON;
  const candidates = parseAccept(accept)
    .filter((range) => range.q > 0)
    .flatMap((range): { type: ResponseMediaType; q: number; order: number; exact: boolean }[] => {
      if (range.type === GRAPHQL_RESPONSE_JSON || range.type === APPLICATION_JSON) {
        return [{ type: range.type, q: range.q, order: range.order, exact: true }];
      }
      if (range.type === '*/*' || range.type === 'application/*')
        return [{ type: APPLICATION_JSON, q: range.q, order: range.order, exact: false }];
      return [];
    })
    .sort((a, b) => b.q - a.q || Number(b.exact) - Number(a.exact) || a.order - b.order);
  return candidates[0]?.type ?? null;
}
