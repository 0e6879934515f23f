import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const RESTRICTED_EVERYWHERE = [
  { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
];

const COOKIE_MESSAGE =
  'Cookie names and markers live in src/lib/contracts/cookies.ts: import them.';
const COOKIE_NAME = '/(^|[^\\w.])(crm\\.sid|fastapiusersauth|authshift_route)($|[^\\w])/';
const LEGACY_ONLY_MESSAGE =
  'The twin rule lives in SQL (authshift_legacy_only_users, src/lib/contracts/migration-state.ts).';
const LEGACY_ONLY_RULE = '/fu_users \\w+ WHERE \\w+\\.legacy_user_id = u\\.id/';
const CONTRACT_COPIES = [
  { selector: `Literal[value=${COOKIE_NAME}]`, message: COOKIE_MESSAGE },
  { selector: `TemplateElement[value.raw=${COOKIE_NAME}]`, message: COOKIE_MESSAGE },
  { selector: `Literal[value='fu.']`, message: COOKIE_MESSAGE },
  { selector: `Literal[value=${LEGACY_ONLY_RULE}]`, message: LEGACY_ONLY_MESSAGE },
  { selector: `TemplateElement[value.raw=${LEGACY_ONLY_RULE}]`, message: LEGACY_ONLY_MESSAGE },
];
// The proxy reads the monolith's tables through the names and row types in src/lib/contracts/.
const PROXY_READS_BY_CONTRACT = '/(cutover_runs|authshift_snapshots\\.manifest|app_settings)/';
const PROXY_READS_MESSAGE =
  'The proxy names the monolith’s tables through src/lib/contracts/ (cutover-runs, snapshot-manifest, app-settings).';

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      '.data',
      'coverage',
      'test-artifacts',
      '.tmp',
      '.build-*',
      'proxy/admin/public/vendor',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-syntax': ['error', ...RESTRICTED_EVERYWHERE],
    },
  },
  {
    // Values both processes must agree on have one home (src/lib/contracts/): a copy elsewhere
    // is an error, so a renamed cookie or table cannot leave a stale spelling behind.
    files: ['src/**/*.ts', 'proxy/**/*.ts'],
    ignores: ['src/lib/contracts/**'],
    rules: {
      'no-restricted-syntax': ['error', ...RESTRICTED_EVERYWHERE, ...CONTRACT_COPIES],
    },
  },
  {
    files: ['proxy/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...RESTRICTED_EVERYWHERE,
        ...CONTRACT_COPIES,
        ...[PROXY_READS_BY_CONTRACT].flatMap((pattern) => [
          { selector: `Literal[value=${pattern}]`, message: PROXY_READS_MESSAGE },
          { selector: `TemplateElement[value.raw=${pattern}]`, message: PROXY_READS_MESSAGE },
        ]),
      ],
    },
  },
  {
    // Tool configuration files are default exports by their tools' conventions.
    files: ['*.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    languageOptions: { globals: { ...globals.mocha } },
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    files: ['**/public/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
