import { expect } from 'chai';
import fc from 'fast-check';
import type pg from 'pg';
import { bucketOf } from '../../../proxy/policy/bucket.js';
import { canonicalEmail } from '../../../src/lib/identity/canonical-email.js';
import { testDatabaseUrl, testPool } from '../../helpers/database.js';

// Characters from Unicode ≤ 12 (both Node's and PostgreSQL's tables know them), chosen to hit
// every rule: ASCII case, edge whitespace, dots and @, Latin-1 and combining marks (NFC),
// letters that fold differently per layer (İ, ı, ſ, K), Greek, Cyrillic, CJK, fullwidth, astral.
const ALPHABET = [
  ...'abcXYZ019._-+@@@  \t',
  ...'äÄéÉüÜßøØ',
  '\u0301',
  '\u0308',
  '\u0327',
  '\u0130',
  '\u0131',
  '\u017f',
  '\u212a',
  '\u212b',
  ...'αΩσς',
  ...'дЖё',
  ...'用户名',
  '\uff21',
  '\ufb01',
  '\u{1f600}',
  '\u{10400}',
];
const address = fc.oneof(
  fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 24 }),
  fc
    .tuple(
      fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 1, maxLength: 10 }),
      fc.array(fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 1, maxLength: 8 }), {
        minLength: 1,
        maxLength: 3,
      }),
    )
    .map(([local, labels]) => `${local}@${labels.join('.')}`),
  fc.emailAddress(),
);

describe('canonical e-mail in JavaScript and in SQL (authshift_canonical_email)', () => {
  let pool: pg.Pool;
  before(() => {
    pool = testPool(testDatabaseUrl(), 2);
  });
  after(() => pool.end());

  async function inSql(addresses: string[], salt: string) {
    const { rows } = await pool.query<{ canonical: string; bucket: number }>(
      `SELECT authshift_canonical_email(a) AS canonical, authshift_rollout_bucket($2, a) AS bucket
         FROM unnest($1::text[]) WITH ORDINALITY AS t(a, i) ORDER BY i`,
      [addresses, salt],
    );
    return rows;
  }

  it('when known IDN and folding cases are compared, then SQL gives the documented forms', async () => {
    const rows = await inSql(
      ['u@bücher.de', ' Victor@X.com ', '\u212Aelvin@x.com', 'u@mañana.com', 'a@ü.example'],
      's',
    );
    expect(rows.map((r) => r.canonical)).to.deep.equal([
      'u@xn--bcher-kva.de',
      'victor@x.com',
      'kelvin@x.com',
      'u@xn--maana-pta.com',
      'a@xn--tda.example',
    ]);
  });

  it('when thousands of generated addresses (ASCII and not) are canonicalised, then JS, SQL and the proxy bucket agree', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(address, { minLength: 50, maxLength: 50 }),
        fc.string(),
        async (batch, salt) => {
          const rows = await inSql(batch, salt);
          batch.forEach((a, i) => {
            expect(rows[i]!.canonical, JSON.stringify(a)).to.equal(canonicalEmail(a));
            expect(rows[i]!.bucket, JSON.stringify(a)).to.equal(bucketOf(salt, a));
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});
