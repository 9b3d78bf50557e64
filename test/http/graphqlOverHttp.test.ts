/**
 * GraphQL over HTTP conformance: every server audit of the `graphql-http` package, run against
 * the whole gateway over a real socket. One test per audit, named after it.
 */
import { serverAudits, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

/**
 * The SHOULDs Tessera deliberately does not meet, each with its reason. Empty: the handler meets
 * every SHOULD the audits check. An entry here makes its test expect `warn`, so the list cannot
 * outlive the reason (a SHOULD that starts passing fails its test until it is removed).
 */
const SHOULD_ALLOW_LIST: Readonly<Record<string, string>> = {};

/**
 * The MAYs Tessera does not implement. Empty: every optional behaviour the audits check is
 * implemented (GET queries, 400 for bad parameters, 405 for mutations over GET...).
 */
const MAY_NOT_IMPLEMENTED: Readonly<Record<string, string>> = {};

let tessera: TestTessera | undefined;

const audits = serverAudits({
  url: () => {
    if (!tessera) throw new Error('Tessera is not started');
    return tessera.url;
  },
});

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 'none' });
});
afterAll(() => tessera?.stop());

function expectedStatus(id: string, name: string): AuditResult['status'] {
  if (name.startsWith('MUST')) return 'ok';
  if (name.startsWith('SHOULD')) return Object.hasOwn(SHOULD_ALLOW_LIST, id) ? 'warn' : 'ok';
  return Object.hasOwn(MAY_NOT_IMPLEMENTED, id) ? 'notice' : 'ok';
}

describe('graphql-http server audits', () => {
  it('has audits to run, and every allow-list entry names one of them', () => {
    const ids = new Set(audits.map((audit) => audit.id));
    expect(audits.length).toBeGreaterThan(50);
    expect(Object.keys(SHOULD_ALLOW_LIST).filter((id) => !ids.has(id))).toEqual([]);
    expect(Object.keys(MAY_NOT_IMPLEMENTED).filter((id) => !ids.has(id))).toEqual([]);
  });

  for (const audit of audits) {
    it(`${audit.id}: ${audit.name}`, async () => {
      const result = await audit.fn();
      const reason = result.status === 'ok' ? undefined : result.reason;
      expect({ status: result.status, reason }).toEqual({
        status: expectedStatus(audit.id, audit.name),
        reason: expectedStatus(audit.id, audit.name) === 'ok' ? undefined : expect.any(String),
      });
    });
  }
});
