/**
 * Intake's back-pressure (workers/admission.ts): no case starts while the
 * cap of open cases is reached, and the room left bounds how many start.
 */
import { describe, expect, it } from 'vitest';
import { AdmissionGate } from '../../workers/admission.js';

describe('AdmissionGate', () => {
  it('lets up to the room left start, and none while the cap is reached', async () => {
    let started = 0,
      completed = 0;
    const gate = new AdmissionGate({ maxOpen: 5, completed: () => completed }, () => started, 1);
    expect(await gate.admit(32)).toBe(5);
    started = 3;
    expect(await gate.admit(32)).toBe(2);
    started = 5;
    const order: string[] = [];
    let polls = 0;
    const admitted = gate
      .admit(32, async () => {
        // three polls at the cap, then two cases complete
        if (++polls === 3) {
          order.push('completed');
          completed = 2;
        }
      })
      .then((n) => {
        order.push('admitted');
        return n;
      });
    expect(await admitted).toBe(2);
    expect(order).toEqual(['completed', 'admitted']);
    expect(polls).toBe(3);
  });

  it('stops waiting when told to (the consumer is stopping)', async () => {
    let going = true;
    const gate = new AdmissionGate({ maxOpen: 1, completed: () => 0 }, () => 1, 1);
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
