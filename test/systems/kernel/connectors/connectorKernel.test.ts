/**
 * The connector kernel's shared pieces (docs/connectors.md#the-connector-kernel): the access token is
 * fetched once for concurrent callers and once more after a refusal, however many calls were refused
 * with it; the request budget refills evenly over a day and stops at the org's reserve; Retry-After
 * and the jittered backoff give the delays the retries wait.
 */
import { describe, expect, it } from 'vitest';
import { Secret } from '../../../../core/config/secret.ts';
import { createAccessTokenCache, type AccessToken } from '../../../../systems/kernel/connectors/accessToken.ts';
import { createRequestBudget } from '../../../../systems/kernel/connectors/requestBudget.ts';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from '../../../../systems/kernel/connectors/retryPolicy.ts';

describe('the connector kernel', () => {
  it('fetches one token for concurrent callers, and one more after many calls were refused with the old one', async () => {
    let fetched = 0;
    const cache = createAccessTokenCache(async () => ({ token: new Secret(`t${++fetched}`), instanceUrl: 'https://org.example' }));
    const first = await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(new Set(first).size).toBe(1);
    for (const token of first) cache.invalidate(token);
    const second = await Promise.all([cache.get(), cache.get()]);
    // A late refusal of the first token does not drop the second.
    cache.invalidate(first[0]!);
    const third: AccessToken = await cache.get();
    expect([fetched, cache.fetches, second[0]!.token.reveal(), third.token.reveal(), String(third.token)]).toEqual([
      2,
      2,
      't2',
      't2',
      '[redacted]',
    ]);
  });

  it('does not keep a failed fetch: the next caller tries again', async () => {
    let attempts = 0;
    const cache = createAccessTokenCache(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('invalid_grant');
      return { token: new Secret('ok'), instanceUrl: 'https://org.example' };
    });
    await expect(cache.get()).rejects.toThrow('invalid_grant');
    expect((await cache.get()).token.reveal()).toBe('ok');
  });

  it('spends a day of requests in a burst, refills evenly, and stops at 90 % of the org limit', () => {
    let now = 0;
    const budget = createRequestBudget({ perDay: 4, now: () => now });
    for (let i = 0; i < 4; i += 1) budget.take('Salesforce', 'query');
    expect(() => budget.take('Salesforce', 'query')).toThrow('Salesforce query: budget');
    now = 6 * 3_600_000; // a quarter of a day: one request back
    expect(budget.remaining()).toBe(1);
    budget.take('Salesforce', 'query');
    now = 48 * 3_600_000;
    expect(budget.remaining()).toBe(4);
    budget.observe(90, 100);
    expect(() => budget.take('Salesforce', 'upsert Opportunity')).toThrow('Salesforce upsert Opportunity: budget');
    budget.observe(89, 100);
    budget.take('Salesforce', 'query');
  });

  it('waits what Retry-After says (seconds or a date, capped), else a jittered exponential delay', () => {
    const at = Date.parse('2026-03-02T09:00:00Z');
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, () => 0.5, '3', at)).toBe(3000);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, () => 0.5, 'Mon, 02 Mar 2026 09:00:05 GMT', at)).toBe(5000);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, () => 0.5, '3600', at)).toBe(10_000);
    expect([1, 2, 3, 4, 10].map((retry) => retryDelayMs(DEFAULT_RETRY_POLICY, retry, () => 0.999, null, at))).toEqual([
      199, 399, 799, 1598, 9990,
    ]);
  });
});
