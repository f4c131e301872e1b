/**
 * A BPMN 2.0 process read from its XML with fast-xml-parser (a maintained,
 * dependency-light parser that checks well-formedness and reports the line of
 * an error; bpmn-moddle would also type every element, but is asynchronous and
 * several times larger, and the import needs only the flow elements): the
 * nodes of the first process that has a start event, and its sequence flows.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InputError } from './log-error.js';

export type BpmnNodeKind = 'task' | 'start' | 'end' | 'exclusive' | 'parallel' | 'inclusive' | 'eventBased' | 'intermediate' | 'subProcess' | 'other';

export interface BpmnNode {
  id: string;
  name: string;
  kind: BpmnNodeKind;
  element: string;
  incoming: string[];
  outgoing: string[];
}
export interface BpmnFlow {
  id: string;
  source: string;
  target: string;
}
export interface BpmnProcess {
  id: string;
  name: string;
  nodes: Map<string, BpmnNode>;
  flows: Map<string, BpmnFlow>;
  otherProcesses: string[];
}

const TASKS = new Set(['task', 'userTask', 'serviceTask', 'scriptTask', 'manualTask', 'sendTask', 'receiveTask', 'businessRuleTask', 'callActivity']);
const KINDS: Record<string, BpmnNodeKind> = {
  startEvent: 'start',
  endEvent: 'end',
  exclusiveGateway: 'exclusive',
  parallelGateway: 'parallel',
  inclusiveGateway: 'inclusive',
  eventBasedGateway: 'eventBased',
  complexGateway: 'inclusive',
  intermediateCatchEvent: 'intermediate',
  intermediateThrowEvent: 'intermediate',
  boundaryEvent: 'other',
  subProcess: 'subProcess',
  adHocSubProcess: 'subProcess',
  transaction: 'subProcess',
};

export function readBpmn(xml: string, file: string): BpmnProcess {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new InputError(`${file}:${valid.err.line}: malformed XML: ${valid.err.msg} (expected a BPMN 2.0 XML file)`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: true,
    isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
  });
  const doc = parser.parse(xml) as any;
  const definitions = doc.definitions?.[0];
  if (!definitions) throw new InputError(`${file}: no <definitions> element (expected a BPMN 2.0 model: <bpmn:definitions> with a <bpmn:process>)`);
  const processes: any[] = definitions.process ?? [];
  if (!processes.length)
    throw new InputError(`${file}: <definitions> has no <process> element (expected a BPMN 2.0 process with a start event, tasks and an end event)`);
  const withStart = processes.filter((p) => (p.startEvent ?? []).length > 0);
  if (!withStart.length) throw new InputError(`${file}: process '${processes[0].id}' has no <startEvent> (expected one start event)`);
  const p = withStart[0];
  const nodes = new Map<string, BpmnNode>();
  const flows = new Map<string, BpmnFlow>();
  for (const [element, list] of Object.entries<any>(p)) {
    if (!Array.isArray(list)) continue;
    for (const el of list) {
      if (typeof el !== 'object' || el === null) continue;
      if (element === 'sequenceFlow') {
        if (!el.sourceRef || !el.targetRef) throw new InputError(`${file}: sequenceFlow '${el.id}' needs a sourceRef and a targetRef`);
        flows.set(el.id, { id: el.id, source: el.sourceRef, target: el.targetRef });
        continue;
      }
      const kind: BpmnNodeKind | undefined = TASKS.has(element) ? 'task' : KINDS[element];
      if (!kind || !el.id) continue;
      nodes.set(el.id, { id: el.id, name: String(el.name ?? '').trim(), kind, element, incoming: [], outgoing: [] });
    }
  }
  for (const f of flows.values()) {
    const s = nodes.get(f.source),
      t = nodes.get(f.target);
    if (!s) throw new InputError(`${file}: sequenceFlow '${f.id}': its sourceRef '${f.source}' is not an element of process '${p.id}'`);
    if (!t) throw new InputError(`${file}: sequenceFlow '${f.id}': its targetRef '${f.target}' is not an element of process '${p.id}'`);
    s.outgoing.push(f.id);
    t.incoming.push(f.id);
  }
  return { id: p.id, name: String(p.name ?? p.id), nodes, flows, otherProcesses: processes.filter((x) => x !== p).map((x) => x.id) };
}
