/**
 * A scenario's text parsed into plain data, with a locator that finds the line
 * of any field path (for error messages). Pure: the caller reads the file.
 */
import { LineCounter, parseDocument, visit, isMap, isSeq, isPair, isScalar, type Node } from '#yaml';
import { ScenarioError } from './errors.js';

export interface ScenarioSource {
  file: string;
  raw: unknown;
  /** 1-based line of the value at `path`, or of its key when `key` is given; 0 if not found */
  locate(path: readonly (string | number)[], key?: string): number;
}

/** Aliases a document may expand (a "billion laughs" file expands far more). */
export const MAX_ALIAS_COUNT = 100;
const TOO_DEEP = 'nested too deeply to read (a scenario is a few levels deep; is a bracket or an indentation wrong?)';

const isStackOverflow = (err: unknown) => err instanceof RangeError && /call stack/i.test(err.message);

export function parseScenarioText(text: string, file: string): ScenarioSource {
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    // uniqueKeys: false, then duplicateKeys() below: the library's own check scans a mapping's keys for each key (quadratic)
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  } catch (err) {
    if (isStackOverflow(err)) throw new ScenarioError([{ file, line: 0, path: '', message: TOO_DEEP }]);
    throw err;
  }
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0]?.line ?? (e.pos ? lineCounter.linePos(e.pos[0]).line : 0),
        path: '',
        message: /call stack/i.test(e.message) ? TOO_DEEP : `not valid YAML: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  const duplicates = duplicateKeys(doc, lineCounter, file);
  if (duplicates.length) throw new ScenarioError(duplicates);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (isStackOverflow(err)) throw new ScenarioError([{ file, line: 0, path: '', message: TOO_DEEP }]);
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      throw new ScenarioError([
        {
          file,
          line: 0,
          path: '',
          message: `its YAML aliases (*name) expand to too much data (more than ${MAX_ALIAS_COUNT} copies of an anchor): write the values out, or use fewer aliases`,
        },
      ]);
    }
    if (err instanceof ReferenceError) throw new ScenarioError([{ file, line: 0, path: '', message: `not valid YAML: ${err.message}` }]);
    throw err;
  }
  const lineOf = (node: Node | null | undefined): number => (node?.range ? lineCounter.linePos(node.range[0]).line : 0);

  const locate = (path: readonly (string | number)[], key?: string): number => {
    let node: unknown = doc.contents;
    let lastLine = lineOf(doc.contents as Node);
    for (const seg of path) {
      const child = childOf(node, seg);
      if (!child) return lastLine;
      node = child.node;
      lastLine = lineOf(child.at) || lastLine;
    }
    if (key !== undefined && isMap(node)) {
      const pair = pairsOf(node).get(key);
      if (pair && isScalar(pair.key)) return lineOf(pair.key) || lastLine;
    }
    return lastLine;
  };
  return { file, raw, locate };
}

/** Keys given twice in one mapping, one issue each: linear in the size of the document. */
function duplicateKeys(doc: ReturnType<typeof parseDocument>, lineCounter: LineCounter, file: string): ScenarioError['issues'] {
  const issues: ScenarioError['issues'] = [];
  try {
    visit(doc, {
      Map(_, map) {
        const seen = new Set<string>();
        for (const p of map.items) {
          if (!isScalar(p.key)) continue;
          const k = String(p.key.value);
          if (seen.has(k))
            issues.push({
              file,
              line: p.key.range ? lineCounter.linePos(p.key.range[0]).line : 0,
              path: '',
              message: `the key '${k}' is given twice in the same mapping (keys must be unique)`,
            });
          seen.add(k);
        }
      },
    });
  } catch (err) {
    if (!isStackOverflow(err)) throw err;
    issues.push({ file, line: 0, path: '', message: TOO_DEEP });
  }
  return issues;
}

/** Each mapping's pairs by key, built once per mapping: finding the line of N problems is O(N), not O(N × keys). */
const pairIndex = new WeakMap<object, Map<string, { value: unknown; key: unknown }>>();

function pairsOf(node: { items: unknown[] }): Map<string, { value: unknown; key: unknown }> {
  let index = pairIndex.get(node);
  if (!index) {
    index = new Map();
    for (const p of node.items) {
      if (isPair(p) && isScalar(p.key)) {
        const k = String(p.key.value);
        if (!index.has(k)) index.set(k, { value: p.value, key: p.key });
      }
    }
    pairIndex.set(node, index);
  }
  return index;
}

function childOf(node: unknown, seg: string | number): { node: unknown; at: Node | null } | null {
  if (isMap(node)) {
    const pair = pairsOf(node).get(String(seg));
    // the line of the key: where a reader looks, even when the value is a block below it
    return pair ? { node: pair.value, at: (pair.key as Node) ?? (pair.value as Node) } : null;
  }
  if (isSeq(node) && typeof seg === 'number') {
    const item = node.items[seg];
    return item ? { node: item, at: item as Node } : null;
  }
  return null;
}
