import { expect } from 'chai';
import fc from 'fast-check';
import {
  canonicalCohortDomain,
  canonicalEmail,
  foldingProblem,
} from '../../../../src/lib/identity/canonical-email.js';

describe('canonical e-mail (one definition of "the same address")', () => {
  it('when two spellings differ only by ASCII case or edge whitespace, then they are one address', () => {
    expect(canonicalEmail('  Victor@X.com\t')).to.equal('victor@x.com');
    expect(canonicalEmail('VICTOR@x.COM')).to.equal(canonicalEmail('victor@x.com'));
  });

  it('when an IDN domain is spelled in Unicode or in its xn-- form, then they are one address', () => {
    expect(canonicalEmail('u@bücher.de')).to.equal('u@xn--bcher-kva.de');
    expect(canonicalEmail('u@XN--BCHER-KVA.de')).to.equal('u@xn--bcher-kva.de');
  });

  it('when a letter has a compatibility or decomposed spelling, then NFC decides (Kelvin sign is K)', () => {
    expect(canonicalEmail('\u212Aelvin@x.com')).to.equal('kelvin@x.com');
    expect(canonicalEmail('jose\u0301@x.com')).to.equal('jos\u00e9@x.com');
  });

  it('when a non-ASCII letter has another case, then it is kept as it is (no layer-dependent folding)', () => {
    expect(canonicalEmail('\u0130ctor@x.com')).to.equal('\u0130ctor@x.com');
    expect(canonicalEmail('\u0130ctor@x.com')).not.to.equal(canonicalEmail('ictor@x.com'));
  });

  it('when ops type a cohort domain, then it gets the same form as the domain of an address', () => {
    expect(canonicalCohortDomain(' @Bücher.DE ')).to.equal('xn--bcher-kva.de');
    expect(canonicalCohortDomain('Example.COM')).to.equal('example.com');
  });

  it('when canonicalised twice, then nothing changes (idempotent)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const once = canonicalEmail(s);
        expect(canonicalEmail(once)).to.equal(once);
      }),
      { numRuns: 500 },
    );
  });

  describe('foldingProblem (what registration refuses)', () => {
    const refused = [
      '\u0130ctor@x.com', // İ: JavaScript folds it to i̇, PostgreSQL under C keeps it
      'J\u00c9R\u00d4ME@x.com', // upper-case non-ASCII letters
      '\uff41nn@x.com', // fullwidth a
      'v\u0131ctor@x.com', // dotless ı upper-cases to ASCII I
      'u@B\u00dcCHER.de', // IDNA would lower-case Ü
      'a\u200bb@x.com', // zero-width space (format character)
      'jose\u0301@x.com', // not NFC
      '"victor"@x.com', // a quoted local part: the same mailbox as victor@x.com
      '"vic tor"@x.com', // quoted, with characters only quotes allow
    ];
    for (const address of refused)
      it(`when the address is ${JSON.stringify(address)}, then it is refused`, () => {
        expect(foldingProblem(address)).to.be.a('string');
      });

    const accepted = [
      'Victor@Example.com',
      'jos\u00e9@x.com',
      'u@b\u00fccher.de',
      '\u7528\u6237@x.com',
    ];
    for (const address of accepted)
      it(`when the address is ${JSON.stringify(address)}, then it is accepted`, () => {
        expect(foldingProblem(address)).to.equal(null);
      });
  });
});
