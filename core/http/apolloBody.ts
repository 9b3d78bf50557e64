import type { HTTPGraphQLResponse } from '@apollo/server';

/** The whole body of an Apollo HTTP response (single result, or an incremental stream joined). */
export async function readApolloBody(body: HTTPGraphQLResponse['body']): Promise<string> {
  if (body.kind === 'complete') return body.string;
  let text = '';
  for await (const chunk of body.asyncIterator) text += chunk;
  return text;
}
