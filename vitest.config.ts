import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // model/validate-schema.ts imports the scenario validator the build generates
    // (cli/write-validators.ts); test/helpers/generate-validators.ts writes it first.
    alias: [{
      find: /^\.\/scenario-validator\.generated\.js$/,
      replacement: fileURLToPath(new URL('./dist/model/scenario-validator.generated.js', import.meta.url)),
    }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/generate-validators.ts', 'test/helpers/infra-lifecycle.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
