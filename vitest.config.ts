import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // model/validate-schema.ts imports the scenario validator the build generates
    // (cli/write-validators.ts); test/helpers/generate-validators.ts writes it first.
    alias: [
      {
        find: /^\.\/scenario-validator\.generated\.js$/,
        replacement: fileURLToPath(new URL('./dist/model/scenario-validator.generated.js', import.meta.url)),
      },
      {
        // the code imports `yaml` as `#yaml`, which Node maps to the build's one-file bundle of it
        // (package.json `imports`, cli/write-yaml-bundle.ts); the tests read the package itself
        find: /^#yaml$/,
        replacement: 'yaml',
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/generate-validators.ts', 'test/helpers/infra-lifecycle.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
