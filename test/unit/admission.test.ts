/**
 * Intake's back-pressure (workers/admission.ts): no case starts while the
 * cap of open cases is reached, the room left bounds how many start, and
 * only the cases this intake started count as open.
 */
import { describe, expect, it } from 'vitest';
import { AdmissionGate } from '../../workers/admission.js';

describe('AdmissionGate', () => {
  it('lets up to the room left start, and none while the cap is reached', async () => {
    const closed = new Set<string>();
    const gate = new AdmissionGate({ maxOpen: 5, closed: (id) => closed.has(id) }, 1);
    expect(await gate.admit(32)).toBe(5);
    for (const id of ['a', 'b', 'c']) gate.started(id);
    gate.release(5); // two of the five were not cases (dead letters): their room goes back
    expect(await gate.admit(32)).toBe(2);
    for (const id of ['d', 'e']) gate.started(id);
    gate.release(2);
    const order: string[] = [];
    let polls = 0;
    const admitted = gate
      .admit(32, async () => {
        // three polls at the cap, then two cases complete
        if (++polls === 3) {
          order.push('completed');
          closed.add('a');
          closed.add('d');
        }
      })
      .then((n) => {
        order.push('admitted');
        return n;
      });
    expect(await admitted).toBe(2);
    expect(order).toEqual(['completed', 'admitted']);
    expect(polls).toBe(3);
    expect(gate.open).toBe(5); // three open, two places held for starts in flight
    gate.release(2);
    expect(gate.open).toBe(3);
  });

  it('shares the room between partitions admitting at once: the room one holds is not handed out again', async () => {
    const gate = new AdmissionGate({ maxOpen: 5, closed: () => false }, 1);
    const first = await gate.admit(4);
    expect(first).toBe(4);
    // another partition asks while the first one's starts are in flight
    expect(await gate.admit(32)).toBe(1);
    let held = true;
    const third = gate.admit(32, async () => {
      if (held) {
        held = false;
        gate.started('a');
        gate.release(4); // the first partition's chunk held one case and three dead letters
      }
    });
    expect(await third).toBe(5 - 1 - 1);
  });

  it('gives no room for completions of cases it did not start (a restarted intake reads every completion again)', async () => {
    // 40 cases of the run completed before this intake started; it started 2 of its own
    const closed = new Set(Array.from({ length: 40 }, (_, i) => `old-${i}`));
    const gate = new AdmissionGate({ maxOpen: 3, closed: (id) => closed.has(id) }, 1);
    gate.started('old-7'); // a redelivery of a case that completed: not open
    gate.started('new-1');
    gate.started('new-1'); // counted once
    gate.started('new-2');
    expect(gate.open).toBe(2);
    expect(await gate.admit(32)).toBe(1);
    gate.release(1);
  });

  it('stops waiting when told to (the consumer is stopping)', async () => {
    let going = true;
    const gate = new AdmissionGate({ maxOpen: 1, closed: () => false }, 1);
    gate.started('x');
    const n = gate.admit(
      4,
      async () => {
        going = false;
      },
      () => going,
    );
    expect(await n).toBe(1);
  });
});
