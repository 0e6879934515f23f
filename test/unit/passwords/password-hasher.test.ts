import { expect } from 'chai';
import bcrypt from 'bcrypt';
import { identifyHash } from '../../../src/passwords/hash-formats.js';
import { createPasswordHasher } from '../../../src/passwords/password-hasher.js';
import {
  ab64Decode,
  ab64Encode,
  hashPbkdf2Sha256,
  verifyPbkdf2Sha256,
} from '../../../src/passwords/pbkdf2-sha256.js';

const cheap = createPasswordHasher({
  argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
  bcryptRounds: 4,
});

/**
 * Published passlib outputs (passlib's pbkdf2_digest documentation), so the port is checked against
 * the real library, not against itself.
 * @see https://passlib.readthedocs.io/en/stable/lib/passlib.hash.pbkdf2_digest.html
 */
const PASSLIB_PBKDF2 =
  '$pbkdf2-sha256$6400$0ZrzXitFSGltTQnBWOsdAw$Y11AchqV4b0sUisdZd0Xr97KWoymNE0LNNrnEgY4H9M';
const PASSLIB_PBKDF2_SHORT_SALT =
  '$pbkdf2-sha256$8000$XAuBMIYQQogxRg$tRRlz8hYn63B9LYiCd6PRo6FMiunY9ozmMMI3srxeRE';
/** From the fu_auth contract (§3): argon2id with fastapi-users' defaults, password unknown. */
const CONTRACT_ARGON2 =
  '$argon2id$v=19$m=65536,t=3,p=4$KoeSS+ufbOrCUnAJXSEQ2g$EHbiBw9kiiq/pRwPIjXMV5OLW4LcBeWIE5ACRyQbkSc';

describe('password hashing', () => {
  describe('identifyHash', () => {
    const cases: [string | null, string][] = [
      [CONTRACT_ARGON2, 'argon2'],
      ['$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', 'argon2'],
      ['$2b$12$' + 'a'.repeat(53), 'bcrypt'],
      ['$2y$10$' + 'a'.repeat(53), 'bcrypt'],
      [PASSLIB_PBKDF2, 'pbkdf2_sha256'],
      [null, 'none'],
      ['', 'none'],
      ['!DISABLED!', 'unknown'],
      ['$1$md5crypt$whatever', 'unknown'],
    ];
    for (const [hash, format] of cases) {
      it(`when the hash is ${String(hash).slice(0, 20)}…, then it is ${format}`, () => {
        expect(identifyHash(hash)).to.equal(format);
      });
    }
  });

  describe('passlib pbkdf2_sha256', () => {
    it('when the hash was made by passlib, then the right password verifies and a wrong one does not', async () => {
      expect(await verifyPbkdf2Sha256('password', PASSLIB_PBKDF2)).to.equal(true);
      expect(await verifyPbkdf2Sha256('Password', PASSLIB_PBKDF2)).to.equal(false);
      expect(await verifyPbkdf2Sha256('password', PASSLIB_PBKDF2_SHORT_SALT)).to.equal(true);
    });

    it('when a hash is made here, then it has passlib’s shape and verifies', async () => {
      const hash = await hashPbkdf2Sha256('s3cret', 1000);
      expect(hash).to.match(/^\$pbkdf2-sha256\$1000\$[A-Za-z0-9./]{22}\$[A-Za-z0-9./]{43}$/);
      expect(await verifyPbkdf2Sha256('s3cret', hash)).to.equal(true);
    });

    it('when bytes go through adapted base64, then they come back unchanged ("." replaces "+")', () => {
      const bytes = Buffer.from([0xfb, 0xef, 0xbe, 0x00, 0x01]);
      expect(ab64Encode(bytes)).not.to.match(/[+=]/);
      expect(ab64Decode(ab64Encode(bytes))).to.deep.equal(bytes);
    });
  });

  describe('createPasswordHasher', () => {
    it('when hashing, then the current format is argon2id with the configured parameters', async () => {
      const hash = await cheap.hash('pw');
      expect(hash).to.match(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
      expect(await cheap.verify('pw', hash)).to.equal(true);
      expect(cheap.needsRehash(hash)).to.equal(false);
    });

    it('when configured like fastapi-users, then hashes carry m=65536,t=3,p=4 and are 97 characters', async () => {
      const real = createPasswordHasher({
        argon2: { memoryCost: 65536, timeCost: 3, parallelism: 4 },
        bcryptRounds: 4,
      });
      const hash = await real.hash('pw');
      expect(hash).to.match(
        /^\$argon2id\$v=19\$m=65536,t=3,p=4\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
      );
      expect(hash).to.have.length(97);
      expect(real.needsRehash(CONTRACT_ARGON2)).to.equal(false);
      expect(cheap.needsRehash(CONTRACT_ARGON2)).to.equal(true);
    });

    it('when hashing for the legacy engine, then it is bcrypt $2b$ with the configured rounds', async () => {
      const hash = await cheap.hashLegacy('pw');
      expect(hash).to.match(/^\$2b\$04\$/);
      expect(await bcrypt.compare('pw', hash)).to.equal(true);
      expect(cheap.needsRehash(hash)).to.equal(true);
    });

    for (const prefix of ['$2a$', '$2b$', '$2y$']) {
      it(`when the stored hash is bcrypt ${prefix}, then it verifies`, async () => {
        const hash = (await bcrypt.hash('pw', 4)).replace(/^\$2b\$/, prefix);
        expect(await cheap.verify('pw', hash)).to.equal(true);
        expect(await cheap.verify('px', hash)).to.equal(false);
      });
    }

    it('when the stored hash is passlib pbkdf2_sha256, then it verifies and needs a rehash', async () => {
      expect(await cheap.verify('password', PASSLIB_PBKDF2)).to.equal(true);
      expect(cheap.needsRehash(PASSLIB_PBKDF2)).to.equal(true);
    });

    for (const stored of [
      null,
      undefined,
      '',
      '!DISABLED!',
      '$argon2id$v=19$m=1024,t=1,p=1$broken',
    ]) {
      it(`when the stored hash is ${JSON.stringify(stored)}, then verify is false and never throws`, async () => {
        expect(await cheap.verify('pw', stored)).to.equal(false);
      });
    }

    it('when verifying an unknown user, then the dummy verification completes without error', async () => {
      await cheap.dummyVerify('anything');
    });
  });
});
