// Lint keeps the rooms honest: the pure rooms (model/, simulator/, allocation/,
// discovery/, protocol/, report/) import no I/O, no clock and no global randomness; workflows/
// imports no Node builtins. protocol/ may import Temporal's *types* (a signal definition's type).
import tseslint from 'typescript-eslint';

const ioModules = [
  'fs',
  'fs/promises',
  'node:fs',
  'node:fs/promises',
  'path',
  'node:path',
  'net',
  'node:net',
  'http',
  'node:http',
  'child_process',
  'node:child_process',
  'worker_threads',
  'node:worker_threads',
  'os',
  'node:os',
  'process',
  'node:process',
  'kafkajs',
  'prom-client',
  'pino',
];
const ioRooms = ['workers', 'cli', 'metrics', 'workflows', 'dashboards', 'experiments/executors'].flatMap((room) =>
  ['../', '../../', '../../../'].map((up) => `${up}${room}/*`),
);
const pureRestrictions = (allowTemporalTypes) => ({
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: ioModules.map((name) => ({ name, message: 'pure rooms (model/, simulator/, allocation/, discovery/, protocol/, report/) import no I/O' })),
      patterns: [
        { group: ['@temporalio/*'], message: 'pure rooms import no Temporal SDK', allowTypeImports: allowTemporalTypes },
        // by path: a relative import of an I/O room (../workers/kafka.js) is as impure as importing kafkajs
        { group: ioRooms, message: 'pure rooms import no I/O room (workers/, cli/, metrics/, workflows/, dashboards/, experiments/executors/)' },
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'process', message: 'library code never reads process.*; take it as a parameter' },
    { name: 'setTimeout', message: 'pure rooms have no wall clock' },
    { name: 'setInterval', message: 'pure rooms have no wall clock' },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'use a named, seeded stream from simulator/random' },
    { object: 'Date', property: 'now', message: 'pure rooms take time from the simulated clock' },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'pure rooms take time from the simulated clock' },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.infra/**', 'bench/peers/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['model/**/*.ts', 'simulator/**/*.ts', 'allocation/**/*.ts', 'discovery/**/*.ts', 'report/**/*.ts'], rules: pureRestrictions(false) },
  // experiments/: a pure core; its executors (threads, Temporal) are the I/O edge
  { files: ['experiments/**/*.ts'], ignores: ['experiments/executors/**'], rules: pureRestrictions(false) },
  { files: ['protocol/**/*.ts'], rules: pureRestrictions(true) },
  // the I/O rooms and workflows, type-checked: a promise nobody awaits or a promise where a callback is expected is an error
  {
    files: ['workers/**/*.ts', 'cli/**/*.ts', 'workflows/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'net', 'http', 'child_process', 'worker_threads', 'crypto'],
              message: 'workflows are deterministic: no Node builtins',
            },
            {
              group: ['kafkajs', 'prom-client', 'pino', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              message: 'workflows only orchestrate; I/O lives in activities',
            },
            {
              group: ['../workers/*', '../cli/*', '../metrics/*', '../experiments/*'],
              message: 'workflows import protocol/, model/ and pure code only (DESIGN.md: never a worker)',
            },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'use the keyed streams' }],
    },
  },
);
