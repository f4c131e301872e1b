/** The decision log: one JSON line per decision epoch, streamed to disk. */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { DecisionRecord } from '../simulator/snapshot.js';

export class DecisionLogWriter {
  private fd: number;
  private buffer = '';
  constructor(
    path: string,
    private readonly replication: number,
  ) {
    this.fd = openSync(path, 'w');
  }
  write = (r: DecisionRecord): void => {
    this.buffer += JSON.stringify({ replication: this.replication + 1, ...r }) + '\n';
    if (this.buffer.length > 65_536) this.flush();
  };
  flush(): void {
    if (this.buffer) {
      writeSync(this.fd, this.buffer);
      this.buffer = '';
    }
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
