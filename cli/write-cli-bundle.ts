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
 * package's own entry); and `cli/code-cache.js`, the core's loader (below).
 *
 * Why: Node resolves, reads and links each ES module on its own; `run` loaded
 * ~85 of them at every start (issue 16: start-up). Results do not change: the
 * same code runs, in fewer files.
 *
 * Then the core chunk is rewritten as one CommonJS-shaped file,
 * `autoshift-core.cjs`, and `autoshift-core.js` becomes a facade that loads
 * it through V8's code cache (cli/code-cache.ts) and re-exports its exports
 * under the same names, so every chunk and the replication thread still
 * import `./autoshift-core.js` and share one core. Why: Node 20 caches no
 * compiled ES module; about a fifth of a small run's CPU was compiling the
 * 1.2 MB core and, lazily, the functions it ran (issue 16).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'rolldown';
import { parseAst } from 'rolldown/parseAst';
import { DYNAMIC_IMPORT } from './code-cache.js';

/** The first line of a bundled dist/cli/main.js: tsc's output has no such line. */
export const BUNDLE_BANNER = '// autoshift command, bundled by cli/write-cli-bundle.ts (npm run build)';

/** Files of dist/ that stay outside the bundle, loaded as tsc wrote them (see above). */
const UNBUNDLED =
  /\/dist\/(cli\/(live-command|service-commands|kafka-acls-command|experiment-worker-command|code-cache)|model\/errors|allocation\/policy)\.js$/;

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
  await writeCachedCore(outDir);
}

/** Every node of an AST (oxc's ESTree), depth first. */
function* nodes(node: unknown): Generator<{ type: string; start: number; [k: string]: unknown }> {
  if (Array.isArray(node)) for (const n of node) yield* nodes(n);
  else if (node && typeof node === 'object') {
    if (typeof (node as { type?: unknown }).type === 'string') yield node as { type: string; start: number };
    for (const v of Object.values(node)) if (v && typeof v === 'object') yield* nodes(v);
  }
}

/** The names an ES module exports (`export { x as a, … }`: the bundler's chunks export nothing else). */
function esmExports(code: string, file: string): string[] {
  const names: string[] = [];
  for (const n of nodes(parseAst(code, null, file).body)) {
    if (n.type === 'ExportDefaultDeclaration' || n.type === 'ExportAllDeclaration')
      throw new Error(`${file}: ${n.type} (cli/write-cli-bundle.ts expects named exports)`);
    if (n.type !== 'ExportNamedDeclaration') continue;
    if (n.declaration) throw new Error(`${file}: an export with a declaration (cli/write-cli-bundle.ts expects export { … })`);
    for (const s of n.specifiers as { exported: { type: string; name?: string; value?: string } }[]) names.push(s.exported.name ?? s.exported.value!);
  }
  return names;
}

/**
 * Rewrites the core chunk (`autoshift-core.js`) as `autoshift-core.cjs`
 * plus a facade in its place (see the module doc). The build fails, rather
 * than the command at run time, when the core has a shape the facade cannot
 * carry: a live binding (an exported `let` the core reassigns), a default
 * export, or an import of another chunk (which would import the facade back).
 */
async function writeCachedCore(outDir: string): Promise<void> {
  const esm = join(outDir, 'autoshift-core.js');
  const esmCode = readFileSync(esm, 'utf8');
  const names = esmExports(esmCode, esm);
  const tmp = mkdtempSync(join(tmpdir(), 'autoshift-core-'));
  try {
    await build({
      input: { core: esm },
      external: (id) => id !== esm && !id.startsWith('\0'),
      platform: 'node',
      logLevel: 'warn',
      output: { dir: tmp, format: 'cjs', entryFileNames: '[name].cjs', minify: false, sourcemap: false },
    });
    let cjs = readFileSync(join(tmp, 'core.cjs'), 'utf8');
    // import() cannot run in a vm.Script without a Node flag: the facade passes a function that does it
    const at = [...nodes(parseAst(cjs, null, 'core.cjs').body)].filter((n) => n.type === 'ImportExpression').map((n) => n.start);
    for (const i of at.sort((a, b) => b - a)) {
      if (!cjs.startsWith('import', i)) throw new Error(`autoshift-core.cjs: no import( at offset ${i} (cli/write-cli-bundle.ts)`);
      cjs = `${cjs.slice(0, i)}${DYNAMIC_IMPORT}${cjs.slice(i + 'import'.length)}`;
    }
    // ASCII only (every other character as its \\u escape, the same character in a string, a regular expression, a
    // comment or a name): the loader then reads the file as one-byte text, not UTF-8 decoded to two-byte text
    const tagged = [...nodes(parseAst(cjs, null, 'core.cjs').body)].filter((n) => n.type === 'TaggedTemplateExpression');
    for (const n of tagged) {
      if (/[^\x00-\x7f]/.test(cjs.slice(n.start, n.end as number)))
        throw new Error(
          `autoshift-core.cjs: a tagged template with non-ASCII text at offset ${n.start}, whose raw text an escape would change (cli/write-cli-bundle.ts)`,
        );
    }
    if (/\\[^\x00-\x7f]/.test(cjs))
      throw new Error('autoshift-core.cjs: a backslash before a non-ASCII character, which an escape would change (cli/write-cli-bundle.ts)');
    cjs = cjs.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const exported = [...cjs.matchAll(/^exports\.([A-Za-z_$][\w$]*) = /gm)].map((m) => m[1]);
    const getters = [...cjs.matchAll(/Object\.defineProperty\(exports, (?!Symbol\.toStringTag)/g)];
    if (getters.length) throw new Error('autoshift-core.cjs: the core exports a live binding, which the facade would copy once (cli/write-cli-bundle.ts)');
    if ([...exported].sort().join() !== [...names].sort().join()) {
      throw new Error(
        `autoshift-core.cjs exports ${exported.length} names, autoshift-core.js ${names.length}: the facade would not match (cli/write-cli-bundle.ts)`,
      );
    }
    const relativeRequires = [...new Set([...cjs.matchAll(/\brequire\((["'])(\.\.?\/[^"']+)\1\)/g)].map((m) => m[2]))];
    const chunk = relativeRequires.find((r) => r.startsWith('./'));
    if (chunk) throw new Error(`autoshift-core.cjs requires ${chunk}: a chunk importing the facade back (cli/write-cli-bundle.ts)`);
    writeFileSync(join(outDir, 'autoshift-core.cjs'), cjs);
    const buildId = createHash('sha256').update(cjs).digest('hex').slice(0, 16);
    const facade = [
      BUNDLE_BANNER,
      '// the core, autoshift-core.cjs, loaded through the V8 code cache (cli/code-cache.ts)',
      ...relativeRequires.map((r, i) => `import * as m${i} from ${JSON.stringify(r)};`),
      `import { codeCacheOptions, importFrom, loadCore } from "./code-cache.js";`,
      `const url = new URL("./autoshift-core.cjs", import.meta.url);`,
      `const modules = { ${relativeRequires.map((r, i) => `${JSON.stringify(r)}: m${i}`).join(', ')} };`,
      `const core = loadCore(url, modules, codeCacheOptions(${JSON.stringify(buildId)}), importFrom(url)).exports;`,
      ...names.map((n, i) => `const e${i} = core.${n};`),
      `export { ${names.map((n, i) => `e${i} as ${n}`).join(', ')} };`,
      '',
    ].join('\n');
    writeFileSync(esm, facade);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('write-cli-bundle.js')) {
  await writeCliBundle(join(dirname(fileURLToPath(import.meta.url)), '..'));
}
