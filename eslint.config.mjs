// The architecture's walls, kept by the linter rather than by memory (README, "Architecture").
// Each block names one boundary; `npm run lint` runs in `npm test`, and test/architecture proves that
// a deliberate break of each wall fails it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const FORGE = { group: ['@forge/*'], message: 'Only the platform seam (src/platform) imports @forge/*.' };

/** Folders of src/ that are not the pure core, as relative-import patterns seen from src/release. */
const IMPURE_FROM_CORE = [
  '../contract',
  '../kosli/*',
  '../jira/*',
  '../github/*',
  '../http/*',
  '../platform/*',
  '../services/*',
  '../store/*',
  '../resolvers/*',
  '../jobs/*',
  '../index',
  '../app',
];

const ADAPTER_NEIGHBOURS = (self) =>
  ['kosli', 'jira', 'github']
    .filter((name) => name !== self)
    .map((name) => `../${name}/*`)
    .concat([
      '../services/*',
      '../store/*',
      '../resolvers/*',
      '../jobs/*',
      '../platform/*',
      '../contract',
      '../index',
      '../app',
    ]);

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'static/panel/build/**',
      '.sandbox/**',
      'test-results/**',
      '.forge-bundle/**',
      'test/architecture/fixtures/**',
    ],
  },
  {
    files: ['**/*.{ts,tsx,mts}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      'no-undef': 'off', // TypeScript checks names; ESLint's globals would only duplicate it
    },
  },
  // Wall 1: src/ reaches Forge only through the platform seam.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/platform/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [FORGE] }] },
  },
  // Wall 2: the core (release rules) is pure: no adapters, no services, no contract, no I/O, no clock.
  {
    files: ['src/release/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            FORGE,
            {
              group: IMPURE_FROM_CORE,
              message: 'src/release is the pure core: it imports only itself, ../errors and libraries without I/O.',
            },
            { group: ['node:*', '!node:crypto'], message: 'The core does no I/O.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'The core does no I/O: receive data as values.' },
        { name: 'process', message: 'The core reads no environment: receive settings as values.' },
        { name: 'setTimeout', message: 'The core does not wait: return a decision instead.' },
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Time comes in as a value.' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Time comes in as a value.',
        },
      ],
    },
  },
  // Wall 3: an adapter knows its own system only; it never reaches use cases, storage or another adapter.
  ...['kosli', 'jira', 'github'].map((system) => ({
    files: [`src/${system}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            FORGE,
            {
              group: ADAPTER_NEIGHBOURS(system),
              message: `src/${system} is an adapter: it may use ../http, ../errors and the core's types, nothing above it.`,
            },
          ],
        },
      ],
    },
  })),
  // Wall 4: the panel talks to Forge only through its seam, and to the backend only through the
  // contract's types (never backend runtime code, which would ship in the browser bundle).
  {
    files: ['static/panel/src/**/*.{ts,tsx}'],
    ignores: ['static/panel/src/forge.ts', 'static/panel/src/api.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@forge/*'], message: 'Only static/panel/src/forge.ts and api.ts import @forge/bridge.' },
            {
              group: ['**/src/*', '!**/src/contract', '@backend/*', '!@backend/contract'],
              message: 'The panel reaches the backend only through the contract.',
            },
            {
              group: ['**/src/contract', '@backend/contract'],
              allowTypeImports: true,
              message: 'The panel imports the contract as types only (import type …).',
            },
          ],
        },
      ],
    },
  },
  // The panel's own tests never ship: they may build results with backend code, but not reach Forge.
  {
    files: ['static/panel/src/**/*.test.{ts,tsx}', 'static/panel/src/test/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@forge/*'], message: 'Panel tests drive the fake bridge, never @forge/bridge itself.' },
          ],
        },
      ],
    },
  },
  {
    files: ['static/panel/src/forge.ts', 'static/panel/src/api.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/*', '!**/src/contract', '@backend/*', '!@backend/contract'],
              message: 'The panel reaches the backend only through the contract.',
            },
            {
              group: ['**/src/contract', '@backend/contract'],
              allowTypeImports: true,
              message: 'The panel imports the contract as types only (import type …).',
            },
          ],
        },
      ],
    },
  },
  // Wall 5: the fakes model the services from their published behaviour, never from our code.
  {
    files: ['sandbox/fakes/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/*', '**/src/**'],
              message: 'A fake never imports the code it fakes: model the service from its spec.',
            },
            {
              group: ['../../world/*', '**/sandbox/world/*'],
              message:
                'A fake models the service only: the simulation (sandbox/world) drives the fakes, never the reverse.',
            },
          ],
        },
      ],
    },
  },
);
