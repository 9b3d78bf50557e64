import { describe, expect, it } from 'vitest';
import { parseResult, responseStatus, type GraphQLResult } from '../../gateway/http/responseStatus.ts';

const error = (code: string, message = 'x') => ({ message, extensions: { code } });

describe('responseStatus: the status comes from the result, not from its text', () => {
  it('keeps Apollo Server’s status with application/graphql-response+json', () => {
    const result: GraphQLResult = { errors: [error('GRAPHQL_VALIDATION_FAILED')] };
    expect(responseStatus('application/graphql-response+json', 400, () => result)).toBe(400);
  });

  it('answers a request error of a well-formed request 200 with application/json (every code a catalog 400)', () => {
    const result: GraphQLResult = { errors: [error('GRAPHQL_VALIDATION_FAILED'), error('BAD_USER_INPUT')] };
    expect(responseStatus('application/json', 400, () => result)).toBe(200);
  });

  it('reads the code, not the message: a message naming a 400 code does not make an error a request error', () => {
    const masked: GraphQLResult = { errors: [error('INTERNAL_SERVER_ERROR', 'GRAPHQL_PARSE_FAILED: {"errors" ...')] };
    expect(responseStatus('application/json', 400, () => masked)).toBe(400);
    const validation: GraphQLResult = { errors: [error('GRAPHQL_VALIDATION_FAILED', 'Internal server error (FORBIDDEN)')] };
    expect(responseStatus('application/json', 400, () => validation)).toBe(200);
  });

  it('keeps 400 for a result with data (execution started) and for a body that is not a result', () => {
    expect(responseStatus('application/json', 400, () => ({ data: null, errors: [error('BAD_USER_INPUT')] }))).toBe(400);
    expect(responseStatus('application/json', 400, () => parseResult('POST body missing.'))).toBe(400);
    expect(responseStatus('application/json', 400, () => ({ errors: [] }))).toBe(400);
  });

  it('keeps every other status as it is, without reading the result', () => {
    const never = () => {
      throw new Error('read');
    };
    for (const status of [200, 401, 403, 405, 410, 500]) expect(responseStatus('application/json', status, never)).toBe(status);
  });

  it('parses a result object only', () => {
    expect(parseResult('{"errors":[{"message":"m","extensions":{"code":"BAD_REQUEST"}}]}')).toEqual({
      errors: [error('BAD_REQUEST', 'm')],
    });
    expect([parseResult('[1]'), parseResult('null'), parseResult('{')]).toEqual([undefined, undefined, undefined]);
  });
});
