/**
 * The work queue of a skill whose tasks can leave before they are served or
 * come in different priority classes: a binary heap on (rank, key, seq) that
 * knows where each task sits, so a task that abandons (simulator/abandonment.ts)
 * leaves in O(log n). `rank` is minus the process's priority (a higher class
 * leaves first); within a class the order is the dispatch discipline's
 * (key, seq), as in the plain queues of task-queue.ts. The unit board uses it
 * only for the queues of a scenario that has patience, priorities or
 * preemption; the others keep the plain FIFO ring and heap of the hot path.
 */
import type { Queued, TaskQueue } from './task-queue.js';

export interface Ranked extends Queued {
  /** minus the priority class of the task's process (lower leaves first) */
  rank: number;
  /** its position in the heap; -1 when it is not in a queue */
  qpos: number;
}

export class RankedQueue<T extends Ranked> implements TaskQueue<T> {
  private heap: T[] = [];
  get size(): number {
    return this.heap.length;
  }

  push(task: T): void {
    this.heap.push(task);
    this.up(this.heap.length - 1, task);
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  pop(): T | undefined {
    const top = this.heap[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  /** Takes the task out of the queue; false if it is not in it. */
  remove(task: T): boolean {
    const i = task.qpos;
    if (i < 0 || this.heap[i] !== task) return false;
    this.removeAt(i);
    return true;
  }

  forEach(fn: (task: T) => void): void {
    this.heap.forEach(fn);
  }

  private removeAt(i: number): void {
    const h = this.heap;
    h[i].qpos = -1;
    const last = h.pop()!;
    if (i === h.length) return;
    h[i] = last;
    last.qpos = i;
    if (i > 0 && before(last, h[(i - 1) >> 1])) this.up(i, last);
    else this.down(i, last);
  }

  private up(i: number, task: T): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(task, h[p])) break;
      h[i] = h[p];
      h[i].qpos = i;
      i = p;
    }
    h[i] = task;
    task.qpos = i;
  }

  private down(i: number, task: T): void {
    const h = this.heap;
    const n = h.length;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && before(h[c + 1], h[c])) c++;
      if (!before(h[c], task)) break;
      h[i] = h[c];
      h[i].qpos = i;
      i = c;
    }
    h[i] = task;
    task.qpos = i;
  }
}

/** Whether a leaves before b: higher class (lower rank), then (key, seq). */
export function before(a: Ranked, b: Ranked): boolean {
  return a.rank < b.rank || (a.rank === b.rank && (a.key < b.key || (a.key === b.key && a.seq < b.seq)));
}
