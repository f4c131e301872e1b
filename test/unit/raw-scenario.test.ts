/**
 * The raw scenario's types (model/raw-scenario.ts) name the fields the schema
 * allows, no more and no fewer (issue 9: the compiler checks every field
 * compileScenario reads; this test keeps that type equal to the schema).
 */
import { describe, it, expect } from 'vitest';
import { scenarioSchema } from '../../model/scenario-schema.js';
import { RAW_FIELDS } from '../../model/raw-scenario.js';

type Node = { properties?: Record<string, unknown>; oneOf?: Node[]; anyOf?: Node[]; additionalProperties?: Node; items?: Node };
/** The property names an object schema allows, over its oneOf/anyOf branches. */
function names(node: Node): string[] {
  const own = Object.keys(node.properties ?? {});
  const branches = [...(node.oneOf ?? []), ...(node.anyOf ?? [])].flatMap(names);
  return [...new Set([...own, ...branches])].sort();
}

const root = scenarioSchema as unknown as Node;
const at = (...keys: string[]) => keys.reduce<Node>((n, k) => ((n as Record<string, unknown>)[k] ?? (n.properties ?? {})[k]) as Node, root);

describe("the raw scenario type has the schema's fields", () => {
  const cases: [keyof typeof RAW_FIELDS, Node][] = [
    ['scenario', root],
    ['pool', at('pools', 'additionalProperties')],
    ['process', at('processes', 'additionalProperties')],
    ['step', at('processes', 'additionalProperties', 'steps', 'additionalProperties')],
    ['demand', at('demand', 'additionalProperties')],
    ['disruption', at('disruptions', 'items')],
    ['queue', at('queues', 'additionalProperties')],
  ];
  for (const [name, node] of cases) {
    it(name, () => {
      expect(names(node).length).toBeGreaterThan(0);
      expect([...RAW_FIELDS[name]].sort()).toEqual(names(node));
    });
  }
});
