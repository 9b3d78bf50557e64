/** The crosswalk's match rules (docs/crosswalk.md#match-rules): normalization properties and exact scores. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchCandidates, matchScore, normalizeName, normalizeTaxId, webDomain } from '../../../systems/integration/crosswalk/matching.ts';

const word = fc.stringMatching(/^[a-z0-9]{2,8}$/);
const separator = fc.constantFrom(' ', ', ', ' - ', '/', '  ', '; ', ' (', ') ', '. ', '!', '_');

function randomCase(text: string, flips: readonly boolean[]): string {
  return [...text].map((ch, i) => (flips[i % flips.length] ? ch.toUpperCase() : ch)).join('');
}

describe('normalizeName', () => {
  it('is idempotent on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (name) => {
        const once = normalizeName(name);
        expect(normalizeName(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('ignores case and the punctuation between words', () => {
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 5 }),
        fc.array(separator, { minLength: 6, maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
        (words, separators, flips) => {
          const plain = words.join(' ');
          const punctuated = words.map((w, i) => (i === 0 ? w : `${separators[i]}${w}`)).join('');
          expect(normalizeName(randomCase(punctuated, flips))).toBe(normalizeName(plain));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('drops legal suffixes, a leading "the", accents and the dots of abbreviations', () => {
    expect(normalizeName('Acme, Inc.')).toBe('acme');
    expect(normalizeName('ACME LTD')).toBe('acme');
    expect(normalizeName('Müller Holding GmbH & Co. KG')).toBe('muller');
    expect(normalizeName('Northstar Capital Group')).toBe(normalizeName('Northstar Capital Incorporated'));
    expect(normalizeName('Société Générale S.A.')).toBe('societe generale');
    expect(normalizeName('The Northwind Company')).toBe('northwind');
    expect(normalizeName('Smith & Sons Limited')).toBe('smith and sons');
    expect(normalizeName('Ltd')).toBe('ltd');
    expect(normalizeName("O'Brien Partners LLP")).toBe('obrien partners');
  });
});

describe('webDomain and normalizeTaxId', () => {
  it('keeps the host without scheme, www, port, path or user', () => {
    expect(webDomain('https://www.Acme.com/about?x=1')).toBe('acme.com');
    expect(webDomain('http://user@acme.co.uk:8080')).toBe('acme.co.uk');
    expect(webDomain('www2.acme.com')).toBe('acme.com');
    expect(webDomain('acme.com.')).toBe('acme.com');
    expect(webDomain('not a site')).toBeNull();
    expect(webDomain('')).toBeNull();
    expect(webDomain(null)).toBeNull();
  });

  it('compares tax ids by their letters and digits', () => {
    expect(normalizeTaxId('GB 123 4567 89')).toBe('GB123456789');
    expect(normalizeTaxId('de-811.569.869')).toBe('DE811569869');
    expect(normalizeTaxId('12-3')).toBeNull();
  });
});

describe('matchScore and matchCandidates', () => {
  const sf = (id: string, name: string, website: string | null = null, taxId: string | null = null) => ({
    id,
    system: 'salesforce',
    name,
    website,
    taxId,
  });
  const hs = (id: string, name: string, website: string | null = null, taxId: string | null = null) => ({
    id,
    system: 'hubspot',
    name,
    website,
    taxId,
  });

  it('adds the points of each rule that holds, capped at 100', () => {
    expect(matchScore(sf('a', 'Acme Inc.', 'https://acme.com'), hs('b', 'ACME Ltd', 'www.acme.com'))).toEqual({
      score: 90,
      reasons: ['SAME_DOMAIN', 'SAME_NAME'],
    });
    expect(matchScore(sf('a', 'Acme', 'acme.com', 'GB123456789'), hs('b', 'Acme', 'acme.com', 'gb 123456789'))).toEqual({
      score: 100,
      reasons: ['SAME_TAX_ID', 'SAME_DOMAIN', 'SAME_NAME'],
    });
    expect(matchScore(sf('a', 'Northwind Traders Europe'), hs('b', 'Northwind Traders'))).toEqual({ score: 30, reasons: ['SIMILAR_NAME'] });
    expect(matchScore(sf('a', 'Globex'), hs('b', 'Initech'))).toEqual({ score: 0, reasons: [] });
  });

  it('finds every pair with the same tax id, domain or name that scoring all pairs finds', () => {
    const stem = fc.constantFrom('acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne');
    const record = (system: string) =>
      fc.record({
        id: fc.uuid(),
        system: fc.constant(system),
        name: fc.tuple(stem, fc.constantFrom('', ' Group', ' Inc.', ' GmbH', ' Europe', ' Labs')).map(([a, b]) => `${a}${b}`),
        website: fc.option(
          stem.map((domain) => `https://www.${domain}.example`),
          { nil: null },
        ),
        taxId: fc.option(fc.constantFrom('GB123456789', 'DE811569869'), { nil: null }),
      });
    fc.assert(
      fc.property(fc.array(record('salesforce'), { maxLength: 12 }), fc.array(record('hubspot'), { maxLength: 12 }), (left, right) => {
        const found = new Set(matchCandidates(left, right, 1).map((c) => `${c.left.id}|${c.right.id}`));
        for (const a of left)
          for (const b of right) {
            const { reasons } = matchScore(a, b);
            if (reasons.some((reason) => reason !== 'SIMILAR_NAME')) expect(found.has(`${a.id}|${b.id}`)).toBe(true);
          }
      }),
      { numRuns: 300 },
    );
  });

  it('lists the pairs of two systems at or above the threshold, best first', () => {
    const left = [sf('sf1', 'Acme Inc.', 'acme.com'), sf('sf2', 'Globex Corporation', 'globex.com'), sf('sf3', 'Umbrella')];
    const right = [hs('hs1', 'Globex', null, null), hs('hs2', 'ACME Ltd', 'https://www.acme.com'), hs('hs3', 'Initech')];
    expect(matchCandidates(left, right, 50).map((c) => [c.left.id, c.right.id, c.score, c.reasons])).toEqual([
      ['sf1', 'hs2', 90, ['SAME_DOMAIN', 'SAME_NAME']],
      ['sf2', 'hs1', 50, ['SAME_NAME']],
    ]);
  });
});
