import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Cookie names, the twin rule and the monolith's table names have one home each (src/lib/
 * contracts/ and the migrations): the lint configuration refuses a copy anywhere else. These
 * cases run the project's own ESLint configuration on small sources, so the rule is shown to fail.
 */
describe('contract copies (lint rule)', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const messages = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
    return result!.messages
      .filter((m) => m.ruleId === 'no-restricted-syntax')
      .map((m) => m.message);
  };

  it('when a module outside src/lib/contracts spells a cookie name or marker, then lint names the contract', async () => {
    for (const code of [
      `export const name = 'crm.sid';`,
      'export const header = (v: string) => `fastapiusersauth=${v}`;',
      `export const claim = "authshift_route";`,
      `export const marker = 'fu.';`,
    ]) {
      const found = await messages('src/sessions/zz-copy.ts', code);
      expect(found, code).to.have.length(1);
      expect(found[0]).to.contain('src/lib/contracts/cookies.ts');
    }
    expect(await messages('proxy/policy/zz-copy.ts', `export const n = 'crm.sid';`)).to.have.length(
      1,
    );
  });

  it('when the contract itself or a comment spells them, then lint accepts it', async () => {
    expect(
      await messages('src/lib/contracts/zz-copy.ts', `export const name = 'crm.sid';`),
    ).to.deep.equal([]);
    expect(
      await messages(
        'src/sessions/zz-copy.ts',
        `// reads crm.sid\nexport const n = 'crm.sidecar';`,
      ),
    ).to.deep.equal([]);
  });

  it('when the legacy-only twin rule is written out in src or proxy, then lint points to the SQL view', async () => {
    const code =
      'export const sql = `SELECT count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM fu_users f WHERE f.legacy_user_id = u.id)`;';
    for (const file of ['src/cutover/zz-copy.ts', 'proxy/admin/zz-copy.ts']) {
      const found = await messages(file, code);
      expect(found, file).to.have.length(1);
      expect(found[0]).to.contain('authshift_legacy_only_users');
    }
  });

  it('when the proxy names the monolith’s tables itself, then lint asks for the contract; the monolith may', async () => {
    const code = 'export const sql = `SELECT id FROM cutover_runs ORDER BY id DESC LIMIT 1`;';
    expect(await messages('proxy/admin/zz-copy.ts', code)).to.have.length(1);
    expect(await messages('src/cutover/zz-copy.ts', code)).to.deep.equal([]);
  });
});
