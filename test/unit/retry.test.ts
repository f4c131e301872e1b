/** workers/retry.ts: the live services' one backoff. */
import { describe, expect, it, vi } from 'vitest';
import { retrying } from '../../workers/retry.js';

describe('retrying', () => {
  it('tries again, waiting longer each time, until the call answers', async () => {
    let calls = 0;
    const waits: number[] = [];
    const value = await retrying(
      async () => {
        if (++calls < 3) throw new Error('down');
        return 'up';
      },
      {
        giveUp: () => false,
        onRetry: (_err, attempt, waitMs) => waits.push(attempt, waitMs),
      },
    );
    expect(value).toBe('up');
    expect(calls).toBe(3);
    expect(waits).toEqual([1, 200, 2, 400]);
  });

  it('rethrows at once an error it is told to give up on', async () => {
    let calls = 0;
    const fatal = new Error('fenced');
    await expect(
      retrying(
        async () => {
          calls++;
          throw fatal;
        },
        { giveUp: (err) => err === fatal, onRetry: () => undefined },
      ),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
  });
});

describe('retrying, stopped', () => {
  it('ends a wait at once when its signal is aborted, rethrowing the last error', async () => {
    vi.useFakeTimers();
    try {
      const halt = new AbortController();
      const down = new Error('down');
      let calls = 0;
      const pending = retrying(
        async () => {
          calls++;
          throw down;
        },
        {
          giveUp: () => false,
          onRetry: () => {
            if (calls === 2) halt.abort();
          },
          signal: halt.signal,
        },
      );
      const settled = pending.catch((err: unknown) => err);
      // the first wait (200 ms) passes; the second (400 ms) is aborted by the second failure: no timer needs to fire
      await vi.advanceTimersByTimeAsync(200);
      expect(await settled).toBe(down);
      expect(calls).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
