import { expect } from 'chai';
import { RebuildError, retarget } from '../../../src/consolidation/online-rebuild.js';
import { finalIndexName, temporaryIndexName } from '../../../src/consolidation/rebuild-shape.js';

describe('online rebuild naming', () => {
  it('when an index is built on the shadow, then its temporary name maps back to the final one', () => {
    expect(temporaryIndexName('users_pkey')).to.equal('users_pkey__rb');
    expect(finalIndexName('users_pkey__rb')).to.equal('users_pkey');
    expect(finalIndexName('users_pkey')).to.equal(null);
  });

  it('when a name leaves no room for the temporary suffix, then it is refused rather than truncated', () => {
    expect(() => temporaryIndexName('x'.repeat(60))).to.throw(/too long/);
  });

  it('when an index definition is retargeted, then only its name and table change', () => {
    expect(
      retarget(
        'CREATE UNIQUE INDEX users_email_lower_key ON public.users USING btree (lower((email)::text))',
        'users_email_lower_key',
        'users_email_lower_key__rb',
        'users__consolidated',
      ),
    ).to.equal(
      'CREATE UNIQUE INDEX users_email_lower_key__rb ON users__consolidated USING btree (lower((email)::text))',
    );
  });

  it('when an index definition is not the expected shape, then it is refused with the definition', () => {
    expect(() =>
      retarget('CREATE INDEX other ON public.users USING btree (id)', 'users_x', 'y', 't'),
    ).to.throw(RebuildError, /unexpected definition CREATE INDEX other/);
  });
});
