import { expect } from 'chai';
import { rowHashExpression } from '../../../src/snapshot/snapshot-sql.js';

describe('snapshot checksums', () => {
  it('when columns have extended hash functions, then they are hashed as they are; others by their text form', () => {
    expect(
      rowHashExpression('t', [
        'id integer',
        'email character varying',
        'prefs json',
        'odd"name text',
      ]),
    ).to.equal('hash_record_extended(ROW(t."id", t."email", t."prefs"::text, t."odd""name"), 0)');
  });
});
