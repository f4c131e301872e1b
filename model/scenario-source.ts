/**
 * A scenario's text parsed into plain data, with a locator that finds the line
 * of any field path (for error messages). Pure: the caller reads the file.
 */
import { LineCounter, parseDocument, isMap, isSeq, isPair, isScalar, type Node } from 'yaml';
import { ScenarioError } from './scenario-error.js';

export interface ScenarioSource {
  file: string;
  raw: unknown;
  /** 1-based line of the value at `path`, or of its key when `key` is given; 0 if not found */
  locate(path: readonly (string | number)[], key?: string): number;
}

export function parseScenarioText(text: string, file: string): ScenarioSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(doc.errors.map((e) => ({
      file,
      line: e.linePos?.[0]?.line ?? (e.pos ? lineCounter.linePos(e.pos[0]).line : 0),
      path: '',
      message: `not valid YAML: ${e.message.split('\n')[0]}`,
    })));
  }
  const raw = doc.toJS({ maxAliasCount: 100 });
  const lineOf = (node: Node | null | undefined): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 0;

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
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
      if (pair && isScalar(pair.key)) return lineOf(pair.key) || lastLine;
    }
    return lastLine;
  };
  return { file, raw, locate };
}

function childOf(node: unknown, seg: string | number): { node: unknown; at: Node | null } | null {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
    // the line of the key: where a reader looks, even when the value is a block below it
    return pair ? { node: pair.value, at: (pair.key as Node) ?? (pair.value as Node) } : null;
  }
  if (isSeq(node) && typeof seg === 'number') {
    const item = node.items[seg];
    return item ? { node: item, at: item as Node } : null;
  }
  return null;
}

/** A source for a scenario built in code (tests, sweeps): lines are unknown. */
export function sourceFromObject(raw: unknown, file = '<object>'): ScenarioSource {
  return { file, raw, locate: () => 0 };
}
