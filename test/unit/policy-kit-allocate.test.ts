import { describe, expect, it } from 'vitest';
import { allocate } from '../../allocation/policy-kit.js';
import { snapshot } from '../helpers/snapshots.js';

describe('policy kit: allocate (the frame of a decision)', () => {
  const s = snapshot({
    queues: [{ skill: 'a' }, { skill: 'b', min: 2 }],
    pools: [
      { id: 'staff', size: 5, available: 4, skills: ['a', 'b'] },
      { id: 'bot', kind: 'bot', size: 2, available: 0, skills: ['a'] },
    ],
  });

  it('starts all-flexible with each pool’s available units free and passes the rule’s result through', () => {
    const { result } = allocate(s, (assign, free) => ({ assign: assign.map((row) => row.slice()), free: free.slice() }));
    expect(result).toEqual({
      assign: [
        [0, 0],
        [0, 0],
      ],
      free: [4, 0],
    });
  });

  it('keeps what the rule dedicated and then raises queues to their minimum from what is left', () => {
    const { assign, free } = allocate(s, (assign, free) => {
      assign[0][0] += 1;
      free[0] -= 1;
    });
    expect(assign).toEqual([
      [1, 2],
      [0, 0],
    ]);
    expect(free).toEqual([1, 0]);
  });

  it('takes a minimum from a queue above its own when nothing is free', () => {
    const { assign, free } = allocate(s, (assign, free) => {
      assign[0][0] += 4;
      free[0] -= 4;
    });
    expect(assign).toEqual([
      [2, 2],
      [0, 0],
    ]);
    expect(free).toEqual([0, 0]);
  });
});
