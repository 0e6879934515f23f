import { legacyContractSuite } from '../../contract/legacy-contract.js';
import { useTestApp } from '../../helpers/test-deps.js';

describe('new engine facade (/fu_auth/legacy)', () => {
  const t = useTestApp();

  legacyContractSuite({
    name: 'new engine facade',
    basePath: '/fu_auth/legacy',
    app: () => t.app,
    sequelize: () => t.deps.sequelize,
  });
});
