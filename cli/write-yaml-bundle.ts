/**
 * Build step (`npm run build` runs it after `tsc`): writes the `yaml` library
 * (the package, unchanged) as one ES module, `dist/vendor/yaml.js`, with
 * rolldown (Vite's bundler, already installed with it). The code imports
 * `#yaml` (package.json `imports`): Node then loads that one file, while
 * TypeScript reads the package's own types and Vitest the package itself
 * (vitest.config.ts).
 *
 * Why: `yaml` is 72 CommonJS files; Node resolves, reads and wraps each, and
 * importing it took ~35–45 ms CPU at every start of the command (of a
 * ~0.16 s `validate`); the bundle imports in ~12 ms (2 Dec 2026, loaded
 * 2-core machine, alternated runs).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

/** Where the build puts it (package.json `imports` maps `#yaml` here). */
export function yamlBundlePath(distRoot: string): string {
  return join(distRoot, 'vendor', 'yaml.js');
}

export async function writeYamlBundle(distRoot: string): Promise<void> {
  const file = yamlBundlePath(distRoot);
  mkdirSync(dirname(file), { recursive: true });
  // the package's Node entry is CommonJS: an entry naming its exports gives the bundle the same named exports
  const names = Object.keys(await import('yaml')).filter((n) => n !== 'default' && n !== 'module.exports');
  const entry = '\0yaml-entry';
  await build({
    input: entry,
    plugins: [
      {
        name: 'yaml-entry',
        resolveId: (id) => (id === entry ? entry : null),
        load: (id) => (id === entry ? `export { ${names.join(', ')} } from 'yaml';\nexport { default } from 'yaml';\n` : null),
      },
    ],
    platform: 'node',
    logLevel: 'warn',
    output: { file, format: 'esm', minify: false, sourcemap: false },
  });
}

if (process.argv[1]?.endsWith('write-yaml-bundle.js')) {
  await writeYamlBundle(join(dirname(fileURLToPath(import.meta.url)), '..'));
}
