import { legacyContractSuite, portableSessionSuite } from '../../contract/legacy-contract.js';
import { useTestApp } from '../../helpers/test-deps.js';

describe('new engine facade (/fu_auth/legacy)', () => {
  const t = useTestApp();

  const target = {
    name: 'new engine facade',
    basePath: '/fu_auth/legacy',
    app: () => t.app,
    sequelize: () => t.deps.sequelize,
  };
  legacyContractSuite(target);
  portableSessionSuite(target);
});
