/**
 * The cells of a sweep kept on disk as they finish (`--out DIR`):
 * `DIR/cells.jsonl`, one line per finished cell, so an interrupted sweep keeps
 * its work and `--resume` runs only the cells missing. A kept cell is reused
 * only if its compiled scenario, policy and replications are the same (a
 * SHA-256 of them, node:crypto), so an edited scenario is run again. At the
 * end `DIR/sweep.json` holds the whole result.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../model/scenario.js';

export interface KeptCell<T> {
  cell: number;
  key: string;
  values: Record<string, unknown>;
  result: T;
}

export class SweepCellStore<T> {
  readonly file: string;
  private readonly kept = new Map<string, T>();

  constructor(
    readonly dir: string,
    resume: boolean,
  ) {
    this.file = join(dir, 'cells.jsonl');
    if (resume && existsSync(this.file)) {
      for (const line of readFileSync(this.file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const c = JSON.parse(line) as KeptCell<T>;
          if (typeof c.key === 'string' && c.result) this.kept.set(c.key, c.result);
        } catch {
          /* a line cut short by an interrupted write: that cell runs again */
        }
      }
    } else {
      writeFileSync(this.file, '');
    }
  }

  static key(scenario: Scenario, policyName: string | undefined, replications: number): string {
    return createHash('sha256')
      .update(JSON.stringify({ scenario, policyName: policyName ?? null, replications }))
      .digest('hex');
  }

  /** The kept result of a cell with this key, if any. */
  get(key: string): T | undefined {
    return this.kept.get(key);
  }

  get size(): number {
    return this.kept.size;
  }

  /** Appends a finished cell (one line: a cut-off write loses at most that cell). */
  record(cell: number, key: string, values: Record<string, unknown>, result: T): void {
    appendFileSync(this.file, JSON.stringify({ cell, key, values, result }) + '\n');
    this.kept.set(key, result);
  }

  writeResult(result: unknown): void {
    writeFileSync(join(this.dir, 'sweep.json'), JSON.stringify(result, null, 2) + '\n');
  }
}
