/**
 * Build step (`npm run build` runs it last): bundles the `autoshift` command
 * with rolldown (Vite's bundler, already installed with it), in place, in
 * dist/cli/:
 *
 * - `main.js`, the command's entry (tsc's `dist/cli/main.js` is the input and
 *   is overwritten, so the bin, `./autoshift` and every script keep their
 *   path; with tsc's output alone the command works as before, unbundled);
 * - `autoshift-core.js`, one file with everything `validate` and `run` load
 *   (the model, the validator, `yaml`, the simulator, the executors); each
 *   other command's own modules, and what a command loads only when asked (a
 *   report, the Temporal executor, log writers), are chunks of their own on
 *   top of it, loaded lazily (`autoshift-*.js`);
 * - `autoshift-replication-thread.js`, the thread pool's worker, on the same
 *   core.
 *
 * Not bundled, loaded from tsc's output as before: the live runtime's
 * commands (`live`, `worker`, `allocator`, `intake`, `producer`, `kafka-acls`,
 * `experiment-worker`: Kafka and Temporal), packages from node_modules, and
 * the modules that must stay one instance for code outside the bundle too:
 * `model/errors.js` (the CLI's `isUserError` sees the live commands' errors)
 * and `allocation/policy.js` (policy modules import `PolicyError` from the
 * package's own entry).
 *
 * Why: Node resolves, reads and links each ES module on its own; `run` loaded
 * ~85 of them at every start (issue 16: start-up). Results do not change: the
 * same code runs, in fewer files.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'rolldown';

/** The first line of a bundled dist/cli/main.js: tsc's output has no such line. */
export const BUNDLE_BANNER = '// autoshift command, bundled by cli/write-cli-bundle.ts (npm run build)';

/** Files of dist/ that stay outside the bundle, loaded as tsc wrote them (see above). */
const UNBUNDLED = /\/dist\/(cli\/(live-command|service-commands|kafka-acls-command|experiment-worker-command)|model\/errors|allocation\/policy)\.js$/;

/** The commands whose modules all go into the core chunk (with everything they import statically); `compare`'s and `sweep`'s own modules are chunks on top of it. */
const CORE = /\/dist\/cli\/(run|validate)-command\.js$/;

/** The modules that stay outside: imported by their path from dist/cli/. */
function unbundled(outDir: string): Plugin {
  return {
    name: 'unbundled',
    resolveId(source, importer) {
      if (!importer || !/^\.\.?\//.test(source)) return null;
      const target = resolve(dirname(importer), source);
      if (!UNBUNDLED.test(target)) return null;
      const rel = relative(outDir, target);
      return { id: rel.startsWith('.') ? rel : `./${rel}`, external: true };
    },
  };
}

/**
 * Bundled code runs from dist/cli/, not from its own folder: a
 * `new URL('./x.js', import.meta.url)` in a module elsewhere in dist/ is
 * rewritten to point from dist/cli/ to the same file (or to its bundled
 * entry); `createRequire(import.meta.url)` finds the same packages from
 * there; any other use of `import.meta` outside dist/cli/ fails the build
 * rather than break at run time.
 */
function importMetaFromOutDir(outDir: string, entries: Map<string, string>): Plugin {
  return {
    name: 'import-meta-from-out-dir',
    transform(code, id) {
      if (!code.includes('import.meta') || !id.startsWith('/') || dirname(id) === outDir) return null;
      const out = code.replace(/new URL\((['"])(\.\.?\/[^'"]+)\1, import\.meta\.url\)/g, (_, q: string, rel: string) => {
        const target = resolve(dirname(id), rel);
        const to = entries.get(target) ?? relative(outDir, target);
        return `new URL(${q}${to.startsWith('.') ? to : `./${to}`}${q}, import.meta.url)`;
      });
      // createRequire(import.meta.url) finds the same packages from dist/cli/ (yaml's bundle requires Node's own modules)
      const rest = out.replace(/new URL\((['"])\.\.?\/[^'"]+\1, import\.meta\.url\)|createRequire\(import\.meta\.url\)/g, '');
      if (rest.includes('import.meta')) {
        throw new Error(
          `${id}: uses import.meta in a way the CLI bundle cannot move to dist/cli/ (cli/write-cli-bundle.ts); keep it out of the bundle or use new URL('./file.js', import.meta.url)`,
        );
      }
      return { code: out, map: null };
    },
  };
}

export async function writeCliBundle(distRoot: string): Promise<void> {
  const outDir = join(distRoot, 'cli');
  const main = join(outDir, 'main.js');
  if (readFileSync(main, 'utf8').startsWith(BUNDLE_BANNER)) return; // already bundled: tsc has not rewritten it since
  for (const f of readdirSync(outDir)) if (/^autoshift-.*\.js$/.test(f)) rmSync(join(outDir, f)); // chunks of an earlier build
  const thread = join(distRoot, 'experiments', 'executors', 'replication-thread.js');
  if (!existsSync(thread)) throw new Error(`${thread}: not built (run tsc first)`);
  await build({
    input: { main, 'autoshift-replication-thread': thread },
    // packages and Node's modules stay imports; `#yaml` (the build's one-file bundle of yaml) is inlined
    external: (id) => !id.startsWith('\0') && !id.startsWith('.') && !id.startsWith('/') && id !== '#yaml',
    plugins: [unbundled(outDir), importMetaFromOutDir(outDir, new Map([[thread, './autoshift-replication-thread.js']]))],
    platform: 'node',
    logLevel: 'warn',
    output: {
      dir: outDir,
      format: 'esm',
      banner: BUNDLE_BANNER,
      entryFileNames: '[name].js',
      chunkFileNames: 'autoshift-[name].js',
      minify: false,
      sourcemap: false,
      codeSplitting: { groups: [{ name: 'core', test: CORE }] },
    },
  });
}

if (process.argv[1]?.endsWith('write-cli-bundle.js')) {
  await writeCliBundle(join(dirname(fileURLToPath(import.meta.url)), '..'));
}
