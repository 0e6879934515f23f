import { createApp } from '../../../src/app.js';
import type { AppDeps } from '../../../src/deps.js';
import { legacyContractSuite } from '../../contract/legacy-contract.js';
import { buildTestDeps } from '../../helpers/test-deps.js';

describe('new engine facade (/fu_auth/legacy)', () => {
  let deps: AppDeps;
  let app: ReturnType<typeof createApp>;
  before(() => {
    deps = buildTestDeps();
    app = createApp(deps);
  });
  after(() => deps.close());

  legacyContractSuite({
    name: 'new engine facade',
    basePath: '/fu_auth/legacy',
    app: () => app,
    sequelize: () => deps.sequelize,
  });
});
