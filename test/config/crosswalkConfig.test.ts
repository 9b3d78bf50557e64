/**
 * The crosswalk's variables (docs/crosswalk.md#configuration): `TESSERA_CROSSWALK_SURVIVORSHIP` read
 * strictly, each refusal naming the entry and what is wrong with it, and the link cache's TTL.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { BUILT_IN_SURVIVORSHIP, readCrosswalkConfig } from '../../core/config/crosswalk.ts';

const survivorship = (value: string) => readCrosswalkConfig({ TESSERA_CROSSWALK_SURVIVORSHIP: value }).survivorship;
const FIELDS = 'NAME, WEBSITE, INDUSTRY, SEGMENT, TYPE, ANNUAL_REVENUE, EMPLOYEE_COUNT';

describe('TESSERA_CROSSWALK_SURVIVORSHIP', () => {
  it('keeps the built-in defaults when unset or blank', () => {
    expect(readCrosswalkConfig({})).toEqual({ survivorship: BUILT_IN_SURVIVORSHIP, linkCacheTtlMs: 30_000 });
    expect(survivorship('  ')).toEqual(BUILT_IN_SURVIVORSHIP);
  });

  it('sets the fields it names over the built-in defaults, the names in any case, spaces around entries ignored', () => {
    expect(survivorship('NAME=hubspot, annual_revenue=Newest ,Website=survivor')).toEqual({
      name: 'hubspot',
      website: 'survivor',
      industry: 'salesforce',
      segment: 'salesforce',
      type: 'survivor',
      annualRevenue: 'newest',
      employeeCount: 'salesforce',
    });
  });

  it.each([
    ['NAME=hubspot,', '""', 'expected FIELD=winner (e.g. NAME=hubspot)'],
    ['NAME', '"NAME"', 'expected FIELD=winner (e.g. NAME=hubspot)'],
    ['NAME=', '"NAME="', 'expected FIELD=winner (e.g. NAME=hubspot)'],
    ['=hubspot', '"=hubspot"', 'expected FIELD=winner (e.g. NAME=hubspot)'],
    ['NAME=hubspot,TAX_ID=hubspot', '"TAX_ID=hubspot"', `the field must be one of ${FIELDS}`],
    ['annualRevenue=hubspot', '"annualRevenue=hubspot"', `the field must be one of ${FIELDS}`],
    ['WEBSITE=dynamics', '"WEBSITE=dynamics"', 'the winner must be one of survivor, newest, salesforce, hubspot'],
    ['NAME=hubspot,name=salesforce', '"name=salesforce"', 'NAME is named twice'],
  ])('refuses %j, naming the bad entry', (value, entry, why) => {
    expect(() => survivorship(value)).toThrow(new TypeError(`TESSERA_CROSSWALK_SURVIVORSHIP entry ${entry}: ${why}`));
  });

  it('refuses the start: loadConfig throws the same error', () => {
    expect(() => loadConfig({ TESSERA_CROSSWALK_SURVIVORSHIP: 'NAME=oracle' }, '/srv/tessera')).toThrow(
      'TESSERA_CROSSWALK_SURVIVORSHIP entry "NAME=oracle": the winner must be one of survivor, newest, salesforce, hubspot',
    );
  });
});

describe('TESSERA_CROSSWALK_LINK_CACHE_TTL_MS', () => {
  it('is a whole number of milliseconds, 0 for no cache', () => {
    expect(readCrosswalkConfig({ TESSERA_CROSSWALK_LINK_CACHE_TTL_MS: '5000' }).linkCacheTtlMs).toBe(5000);
    expect(readCrosswalkConfig({ TESSERA_CROSSWALK_LINK_CACHE_TTL_MS: '0' }).linkCacheTtlMs).toBe(0);
    expect(() => readCrosswalkConfig({ TESSERA_CROSSWALK_LINK_CACHE_TTL_MS: '30s' })).toThrow(
      new TypeError('TESSERA_CROSSWALK_LINK_CACHE_TTL_MS must be a non-negative integer; got "30s"'),
    );
  });
});
