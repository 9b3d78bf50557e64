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
    expect(normalizeTaxId(null)).toBeNull();
    // An EIN as each CRM typed it (the seed's Acme pair), and a VAT id with its country prefix kept.
    expect([normalizeTaxId('83-1391666'), normalizeTaxId('831391666'), normalizeTaxId(' 83 1391666 ')]).toEqual([
      '831391666',
      '831391666',
      '831391666',
    ]);
    expect(normalizeTaxId('DE 811 569 869')).toBe('DE811569869');
    expect(normalizeTaxId('811569869')).toBe('811569869');
  });

  it('is idempotent and ignores spaces, dots, dashes and case', () => {
    const piece = fc.stringMatching(/^[A-Za-z0-9]{1,4}$/);
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 2, maxLength: 5 }),
        fc.array(fc.constantFrom(' ', '.', '-', ''), { minLength: 5, maxLength: 5 }),
        (pieces, separators) => {
          const plain = normalizeTaxId(pieces.join(''));
          const typed = normalizeTaxId(pieces.map((p, i) => `${i === 0 ? '' : separators[i]}${p.toLowerCase()}`).join(''));
          expect(typed).toBe(plain);
          expect(normalizeTaxId(plain)).toBe(plain);
        },
      ),
      { numRuns: 500 },
    );
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

  it('scores an equal normalized tax id as strong evidence, and a different one as none', () => {
    // The tax id alone: a candidate above the default threshold of 50, whatever the names and sites.
    expect(matchScore(sf('a', 'Globex', 'globex.com', '83-1391666'), hs('b', 'Initech', 'initech.de', '831391666'))).toEqual({
      score: 60,
      reasons: ['SAME_TAX_ID'],
    });
    expect(matchScore(sf('a', 'Acme', null, 'DE 811 569 869'), hs('b', 'Acme Industries', null, 'de811569869'))).toEqual({
      score: 90,
      reasons: ['SAME_TAX_ID', 'SIMILAR_NAME'],
    });
    // 60 + 50, capped.
    expect(matchScore(sf('a', 'Acme Corp', null, '83-1391666'), hs('b', 'ACME Corporation Inc.', null, '831391666'))).toEqual({
      score: 100,
      reasons: ['SAME_TAX_ID', 'SAME_NAME'],
    });
    expect(matchScore(sf('a', 'Northwind', 'northwind.com', 'GB123456789'), hs('b', 'Contoso', 'contoso.com', 'GB 123 456 789'))).toEqual({
      score: 60,
      reasons: ['SAME_TAX_ID'],
    });
    // The country prefix counts: a US EIN and a German VAT id with the same digits are two ids.
    expect(matchScore(sf('a', 'Globex', null, 'DE811569869'), hs('b', 'Initech', null, '811569869'))).toEqual({ score: 0, reasons: [] });
    // The parent's EIN and the German entity's VAT id: no evidence either way, domain and name still count.
    expect(matchScore(sf('a', 'Acme Inc.', 'acme.com', '83-1391666'), hs('b', 'ACME GmbH', 'acme.com', 'DE 811 569 869'))).toEqual({
      score: 90,
      reasons: ['SAME_DOMAIN', 'SAME_NAME'],
    });
    // Too short to be an id: ignored.
    expect(matchScore(sf('a', 'Globex', null, '12-3'), hs('b', 'Initech', null, '123'))).toEqual({ score: 0, reasons: [] });
  });

  it('finds a pair by its tax id alone', () => {
    const left = [sf('sf1', 'Globex Corporation', 'globex.com', '83-1391666'), sf('sf2', 'Umbrella', null, '12-3456789')];
    const right = [hs('hs1', 'Initech', 'initech.de', '831391666'), hs('hs2', 'Hooli', null, 'DE123456789')];
    expect(matchCandidates(left, right, 50).map((c) => [c.left.id, c.right.id, c.score, c.reasons])).toEqual([
      ['sf1', 'hs1', 60, ['SAME_TAX_ID']],
    ]);
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
