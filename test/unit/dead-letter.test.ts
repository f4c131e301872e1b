/** protocol/topics.ts: a rejected message becomes one dead letter, the same from intake and the allocator. */
import { describe, expect, it } from 'vitest';
import { deadLetterOf, parseDemandEvent, parseEvent } from '../../protocol/topics.js';

describe('dead letters', () => {
  it('carry the source, the reason, the message cut to 10 kB, its key, and the wall-clock time', () => {
    const value = Buffer.from(`{"v":2,"pad":"${'x'.repeat(20_000)}"}`);
    let reason = '';
    try {
      parseDemandEvent(value);
    } catch (err) {
      reason = (err as Error).message;
    }
    expect(reason).toMatch(/unsupported version v=2/);
    const ev = deadLetterOf({ topic: 'demand', partition: 2, offset: '41' }, { key: Buffer.from('invoice'), value }, reason, 1_700_000_000_000);
    expect(ev).toMatchObject({ v: 1, type: 'dead-letter', source: { topic: 'demand', partition: 2, offset: '41' }, reason, key: 'invoice' });
    expect(ev.raw).toHaveLength(10_000);
    expect(ev.at).toBe(1_700_000_000_000);
    expect(parseEvent(JSON.stringify(ev)).type).toBe('dead-letter');
    expect(deadLetterOf({ topic: 'tasks', partition: 0, offset: '0' }, { key: null, value: null }, 'empty message', 0)).toMatchObject({ raw: '', key: null });
  });
});
